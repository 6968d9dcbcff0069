package io.github.iothubcommands;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(packages = "io.github.iothubcommands", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule coreKnowsNoTestkitOrEmulator = noClasses()
      .should().dependOnClassesThat().resideInAnyPackage("..testkit..", "..emulator..");

  @ArchTest
  static final ArchRule noRealTimeInCore = noClasses().that().doNotHaveSimpleName("SystemTimeSource")
      .should().callMethod(System.class, "currentTimeMillis")
      .orShould().callMethod(Thread.class, "sleep", long.class)
      .orShould().callMethod(java.time.Instant.class, "now")
      .because("time is injected through spi.TimeSource");
}
