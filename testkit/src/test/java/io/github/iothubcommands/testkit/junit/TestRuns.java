package io.github.iothubcommands.testkit.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs a fixture test class through the JUnit launcher, so a test can check how its tests passed or failed.
 * Fixtures carry {@code @EnabledIf(TestRuns.RUNNING)} so that they run only this way, never by themselves.
 */
final class TestRuns {
  static final String RUNNING = "io.github.iothubcommands.testkit.junit.TestRuns#running";
  private static volatile boolean running;

  private TestRuns() {}

  static boolean running() {
    return running;
  }

  static synchronized TestExecutionSummary run(Class<?> testClass) {
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    running = true;
    try {
      LauncherFactory.create().execute(
          LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass)).build(), listener);
    } finally {
      running = false;
    }
    return listener.getSummary();
  }

  static void assertPasses(Class<?> testClass, int tests) {
    TestExecutionSummary summary = run(testClass);
    assertThat(failureMessages(summary)).as("failures of %s", testClass.getSimpleName()).isEmpty();
    assertThat(summary.getTestsSucceededCount()).as("tests of %s that passed", testClass.getSimpleName())
        .isEqualTo(tests);
  }

  static List<String> failureMessages(TestExecutionSummary summary) {
    return summary.getFailures().stream().map(f -> String.valueOf(f.getException().getMessage())).toList();
  }
}
