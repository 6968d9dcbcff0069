package io.github.iothubcommands.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(packages = "io.github.iothubcommands.engine", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule engineUsesInjectedTime = noClasses()
      .should().callMethod(System.class, "currentTimeMillis")
      .orShould().callMethod(Thread.class, "sleep", long.class)
      .orShould().callMethod(java.time.Instant.class, "now")
      .because("time comes from spi.TimeSource (VirtualTime or TimeSource.system())");

  @ArchTest
  static final ArchRule engineKnowsNoTestFramework = noClasses()
      .should().dependOnClassesThat().resideInAnyPackage("org.junit..", "org.assertj..", "org.quicktheories..")
      .because("the engine ships in the emulator, a product, not a test helper");
}
