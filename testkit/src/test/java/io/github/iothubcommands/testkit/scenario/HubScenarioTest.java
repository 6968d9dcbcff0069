package io.github.iothubcommands.testkit.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.spi.FeedbackRecord;
import io.github.iothubcommands.spi.FeedbackStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HubScenarioTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void sameSeedReplaysExactly() {
    ScenarioRun a = HubScenario.random(42, ScenarioSettings.ofDefaults()).run();
    ScenarioRun b = HubScenario.random(42, ScenarioSettings.ofDefaults()).run();
    assertThat(a.deliveries()).isEqualTo(b.deliveries());
    assertThat(a.feedback()).isEqualTo(b.feedback());
    assertThat(a.events()).isEqualTo(b.events());
    assertThat(HubScenario.random(43, ScenarioSettings.ofDefaults()).steps()).isNotEqualTo(
        HubScenario.random(42, ScenarioSettings.ofDefaults()).steps());
  }

  @Test
  void scenariosExerciseEveryOutcome() {
    java.util.Set<FeedbackStatus> seen = java.util.EnumSet.noneOf(FeedbackStatus.class);
    boolean refused = false;
    ScenarioSettings settings = new ScenarioSettings(3, 60, Duration.ofMinutes(10),
        io.github.iothubcommands.engine.HubLimits.custom().queueDepth(8).maxDeliveryCount(3).build());
    for (long seed = 0; seed < 200; seed++) {
      ScenarioRun run = HubScenario.random(seed, settings).run();
      run.feedback().forEach(r -> seen.add(r.status()));
      refused |= run.events().stream().anyMatch(e -> e.outcome().flatMap(CommandOutcome::hubError).isPresent());
    }
    assertThat(seen).containsExactlyInAnyOrder(FeedbackStatus.values());
    assertThat(refused).as("some sends hit the queue depth").isTrue();
  }

  // The checker itself must be able to fail: hand-made runs that break each invariant.

  private static ScenarioRun run(List<ScenarioRun.TimedSend> sends, List<ScenarioRun.Delivery> deliveries,
      List<FeedbackRecord> feedback, Map<String, Integer> depth) {
    return new ScenarioRun(HubScenario.random(1, ScenarioSettings.ofDefaults()), sends, deliveries, feedback,
        List.of(), depth);
  }

  private static ScenarioRun.TimedSend send(String id, Acknowledgement ack) {
    return new ScenarioRun.TimedSend(new HubScenario.Step.Send("device-0", id, Duration.ofMinutes(1), ack), T0);
  }

  @Test
  void checkerReportsBrokenFifoExpiryDepthCountsAndMissingOutcomes() {
    ScenarioRun bad = run(
        List.of(send("m0", Acknowledgement.FULL), send("m1", Acknowledgement.NONE)),
        List.of(new ScenarioRun.Delivery("device-0", "m1", 1, T0),
            new ScenarioRun.Delivery("device-0", "m0", 11, T0.plus(Duration.ofMinutes(2)))),
        List.of(FeedbackRecord.builder().originalMessageId("m1").deviceId("device-0").status(FeedbackStatus.SUCCESS)
            .enqueuedTime(T0).description("").build()),
        Map.of("device-0", 9));
    assertThat(String.join("\n", HubInvariants.violations(bad)))
        .contains("FIFO broken on device-0: m0")
        .contains("m0 delivered at")
        .contains("m0 delivered with count 11 > 10")
        .contains("device-0 queue reached 9 > depth 8")
        .contains("command m0 had 0 terminal events, not 1");
  }
}
