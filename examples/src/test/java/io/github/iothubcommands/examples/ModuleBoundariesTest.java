package io.github.iothubcommands.examples;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.conditions.ArchConditions;

/**
 * What one module keeps to itself, checked across every published module at once (this module's test class
 * path holds them all): another module never reaches into a {@code .internal} package, and nothing mutable
 * is published as a static field.
 */
@AnalyzeClasses(packages = "io.github.iothubcommands", importOptions = ImportOption.DoNotIncludeTests.class)
class ModuleBoundariesTest {
  private static final String[] MODULES = {"engine", "testkit", "emulator", "azure", "device", "reactor"};

  @ArchTest
  static final ArchRule coreInternalsStayInCore = noClasses()
      .that(resideInAModulePackage())
      .should().dependOnClassesThat().resideInAPackage("io.github.iothubcommands.internal..")
      .because("io.github.iothubcommands.internal is core's implementation, not API: other modules use core's "
          + "public packages and the SPI");

  @ArchTest
  static final ArchRule testkitInternalsStayInTheTestkit = internalsOf("testkit");

  @ArchTest
  static final ArchRule emulatorInternalsStayInTheEmulator = internalsOf("emulator");

  @ArchTest
  static final ArchRule publicStaticFieldsAreFinal = fields()
      .that().arePublic().and().areStatic()
      .should().haveModifier(JavaModifier.FINAL)
      .because("a public static field that can be reassigned is shared mutable state");

  @ArchTest
  static final ArchRule noPublicStaticArraysOrMappers = noFields()
      .that().arePublic().and().areStatic()
      .should(ArchConditions.haveRawType(DescribedPredicate.describe("an array or a Jackson ObjectMapper",
          (JavaClass type) -> type.isArray() || type.isAssignableTo(ObjectMapper.class))))
      .because("an array's elements and a mapper's configuration can be changed by anyone who reaches them");

  private static ArchRule internalsOf(String module) {
    String own = "io.github.iothubcommands." + module + "..";
    return noClasses()
        .that().resideOutsideOfPackage(own)
        .should().dependOnClassesThat().resideInAPackage("io.github.iothubcommands." + module + ".internal..")
        .because(module + "'s .internal packages are its implementation, not API");
  }

  private static DescribedPredicate<JavaClass> resideInAModulePackage() {
    return DescribedPredicate.describe("reside in a module other than core", (JavaClass c) -> {
      for (String m : MODULES) {
        if (c.getPackageName().startsWith("io.github.iothubcommands." + m)) {
          return true;
        }
      }
      return c.getPackageName().startsWith("io.github.iothubcommands.examples")
          || c.getPackageName().startsWith("io.github.iothubcommands.benchmarks");
    });
  }
}
