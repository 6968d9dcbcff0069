package io.github.iothubcommands.testkit.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import io.github.iothubcommands.engine.HubLimits;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hub's invariants over random scenarios (QuickTheories drives the seeds; the run count comes from
 * the {@code QT_EXAMPLES} system property, 1,000 in the build).
 */
@Timeout(240)
class HubInvariantsPropertyTest {
  private static final int EXAMPLES = Integer.getInteger("QT_EXAMPLES", 1000);

  @Test
  void invariantsHoldWithASmallQueue() {
    check(ScenarioSettings.ofDefaults());
  }

  @Test
  void invariantsHoldWithFewDeliveriesAndShortLocks() {
    check(new ScenarioSettings(2, 80, Duration.ofMinutes(5),
        HubLimits.custom().queueDepth(4).maxDeliveryCount(3).lockTimeout(Duration.ofSeconds(20))
            .feedbackBatchSize(5).build()));
  }

  @Test
  void invariantsHoldWithManyDevicesAndDefaultLimits() {
    check(new ScenarioSettings(6, 120, Duration.ofMinutes(30), HubLimits.ofDefaults()));
  }

  private static void check(ScenarioSettings settings) {
    qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed ->
        assertThat(HubInvariants.violations(HubScenario.random(seed, settings).run())).isEmpty());
  }
}
