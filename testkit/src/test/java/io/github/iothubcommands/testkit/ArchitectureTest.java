package io.github.iothubcommands.testkit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(packages = "io.github.iothubcommands.testkit", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule onlyTheirOwnPackagesKnowTestFrameworks = noClasses()
      .that().resideOutsideOfPackages("..testkit.junit..", "..testkit.assertj..")
      .should().dependOnClassesThat().resideInAnyPackage("org.junit..", "org.assertj..", "org.quicktheories..")
      .because("the engine, devices and scenarios must work with any test framework");

  @ArchTest
  static final ArchRule theExtensionKnowsOnlyJunit = noClasses()
      .that().resideInAPackage("..testkit.junit..")
      .should().dependOnClassesThat().resideInAnyPackage("org.assertj..", "org.quicktheories..")
      .because("the JUnit extension must work without AssertJ (both are optional dependencies)");

  @ArchTest
  static final ArchRule theAssertionsKnowOnlyAssertj = noClasses()
      .that().resideInAPackage("..testkit.assertj..")
      .should().dependOnClassesThat().resideInAnyPackage("org.junit..", "org.quicktheories..")
      .because("the AssertJ assertions must work without JUnit (both are optional dependencies)");

  @ArchTest
  static final ArchRule engineUsesInjectedTime = noClasses()
      .should().callMethod(System.class, "currentTimeMillis")
      .orShould().callMethod(Thread.class, "sleep", long.class)
      .orShould().callMethod(java.time.Instant.class, "now")
      .because("time comes from spi.TimeSource (VirtualTime or TimeSource.system())");
}
