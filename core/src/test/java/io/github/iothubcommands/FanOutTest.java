package io.github.iothubcommands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FanOutTest {
  private static final Command SET = Command.named("setTarget").id("set-21").rawJsonPayload("{\"c\":21}").build();

  @Test
  void eachDeviceGetsAStableIdOfItsOwnOfFixedLength() {
    String a = FanOut.deviceCommandId("set-21", "pump-1");
    assertThat(a).isEqualTo(FanOut.deviceCommandId("set-21", "pump-1")).startsWith("set-21.")
        .hasSize("set-21".length() + FanOut.DEVICE_SUFFIX_LENGTH).matches("set-21\\.[0-9a-f]{32}");
    Set<String> ids = IntStream.range(0, 10_000).mapToObj(i -> FanOut.deviceCommandId("set-21", "pump-" + i))
        .collect(Collectors.toSet());
    assertThat(ids).hasSize(10_000);
    assertThat(FanOut.deviceCommandId("set-22", "pump-1")).isNotEqualTo(a).endsWith(a.substring(6));
  }

  @Test
  void theDevicesCommandIsTheTemplateWithItsIdAndPlansKeepTheirStepsInOrder() {
    FanOut f = FanOut.to(List.of("pump-1")).command(SET, DeliveryStrategy.cloudToDevice()).ratePerSecond(1).build();
    Command c = f.commandFor("pump-1");
    assertThat(c.id()).isEqualTo(FanOut.deviceCommandId("set-21", "pump-1"));
    assertThat(c.toBuilder().id("set-21").build()).isEqualTo(SET);
    SequencePlan template = SequencePlan.forDevice("template")
        .then(Command.named("download").id("dl").build(), DeliveryStrategy.cloudToDevice())
        .then(Command.named("install").id("in").build(), DeliveryStrategy.directMethod()).build();
    FanOut p = FanOut.to(List.of("pump-1")).plan(template).ratePerSecond(1).build();
    SequencePlan plan = p.planFor("pump-7");
    assertThat(plan.deviceId()).isEqualTo("pump-7");
    assertThat(plan.steps()).extracting(s -> s.command().id())
        .containsExactly(FanOut.deviceCommandId("dl", "pump-7"), FanOut.deviceCommandId("in", "pump-7"));
    assertThat(plan.steps()).extracting(SequencePlan.Step::strategy)
        .containsExactly(DeliveryStrategy.cloudToDevice(), DeliveryStrategy.directMethod());
    assertThatThrownBy(() -> p.commandFor("pump-7")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> f.planFor("pump-7")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aTemplateIdMustLeaveRoomForTheDeviceSuffix() {
    String longest = "x".repeat(FanOut.MAX_TEMPLATE_ID_LENGTH);
    assertThat(FanOut.to(List.of("d")).command(SET.toBuilder().id(longest).build(), DeliveryStrategy.directMethod())
        .ratePerSecond(1).build().commandFor("d").id()).hasSize(Command.MAX_NAME_LENGTH);
    Command tooLong = SET.toBuilder().id(longest + "y").build();
    assertThatThrownBy(() -> FanOut.to(List.of("d")).command(tooLong, DeliveryStrategy.directMethod()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("command.id must be at most 95 characters in a fan-out (each device's id appends 33), but was "
            + "96 characters ('" + longest + "y')");
    SequencePlan plan = SequencePlan.forDevice("t").then(SET, DeliveryStrategy.directMethod())
        .then(tooLong, DeliveryStrategy.directMethod()).build();
    assertThatThrownBy(() -> FanOut.to(List.of("d")).plan(plan)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("plan step 1 command.id must be at most 95 characters");
  }

  @Test
  void aListIsCheckedWholeBeforeAnythingIsSent() {
    assertThatThrownBy(() -> FanOut.to(List.of("ok", "bad id"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("deviceIds[1]: deviceId must contain only ASCII letters");
    assertThatThrownBy(() -> FanOut.to(List.of("a", "b", "a"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("deviceIds must not repeat, but 'a' is at index 0 and 2");
    assertThatThrownBy(() -> FanOut.to(List.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("deviceIds must not be empty");
    assertThat(FanOut.to(List.of("a", "b")).command(SET, DeliveryStrategy.directMethod()).ratePerSecond(1).build()
        .size()).hasValue(2);
    assertThat(FanOut.to(List.of("a").iterator()).command(SET, DeliveryStrategy.directMethod()).ratePerSecond(1)
        .build().size()).isEmpty();
  }

  @Test
  void aFanOutOnAnIteratorRunsOnce() {
    FanOut f = FanOut.to(List.of("a").iterator()).command(SET, DeliveryStrategy.directMethod()).ratePerSecond(1)
        .build();
    assertThat(f.deviceIds().iterator().next()).isEqualTo("a");
    assertThatThrownBy(() -> f.deviceIds().iterator()).isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("a fan-out built on an Iterator runs once");
  }

  @Test
  void theRateIsRequiredOnceAndDerivedFromTheQuotaAndWhatADeviceCosts() {
    FanOut.Builder b = FanOut.to(List.of("a")).command(SET, DeliveryStrategy.cloudToDevice());
    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("a rate must be set before build()");
    assertThatThrownBy(() -> FanOut.to(List.of("a")).command(SET, DeliveryStrategy.cloudToDevice())
        .rate(HubQuota.of(HubTier.S1, 1)).ratePerSecond(2).build()).isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("rate(HubQuota) and ratePerSecond(double) must not both be set");
    HubQuota s1x10 = HubQuota.of(HubTier.S1, 10);
    assertThat(b.rate(s1x10).build().ratePerSecond()).isCloseTo(1000 / 60.0, within(1e-9));
    assertThat(FanOut.to(List.of("a")).command(SET, DeliveryStrategy.directMethod()).rate(s1x10).build()
        .ratePerSecond()).isCloseTo(400, within(1e-9));
    Command big = SET.toBuilder().rawJsonPayload("\"" + "x".repeat(9000) + "\"").build(); // 3 meters
    assertThat(FanOut.to(List.of("a")).command(big, DeliveryStrategy.directMethod()).rate(s1x10).build()
        .ratePerSecond()).isCloseTo(400 / 3.0, within(1e-9));
    SequencePlan plan = SequencePlan.forDevice("t")
        .then(Command.named("a").build(), DeliveryStrategy.cloudToDevice())
        .then(Command.named("b").build(), DeliveryStrategy.cloudToDevice())
        .then(Command.named("c").build(), DeliveryStrategy.directMethod()).build();
    assertThat(FanOut.to(List.of("a")).plan(plan).rate(s1x10).build().ratePerSecond())
        .isCloseTo(1000 / 60.0 / 2, within(1e-9)); // two sends per device: C2D is the tighter quota
  }

  @Test
  void settingsFollowTheirRules() {
    FanOut.Builder b = FanOut.to(List.of("a")).command(SET, DeliveryStrategy.cloudToDevice());
    assertThatThrownBy(() -> b.concurrency(0)).hasMessage("concurrency must be between 1 and 100000, but was 0");
    assertThatThrownBy(() -> b.ratePerSecond(0)).hasMessage("ratePerSecond must be positive and finite, but was 0.0");
    assertThatThrownBy(() -> b.ratePerSecond(Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.decreaseFactor(1)).hasMessage("decreaseFactor must be above 0 and below 1, but was 1.0");
    assertThatThrownBy(() -> b.increasePerSecond(0))
        .hasMessage("increasePerSecond must be above 0 and at most 1, but was 0.0");
    assertThatThrownBy(() -> b.maxThrottledAttempts(0))
        .hasMessage("maxThrottledAttempts must be at least 1, but was 0");
    assertThatThrownBy(() -> b.progressEvery(java.time.Duration.ZERO))
        .hasMessage("progressInterval must be positive, but was PT0S");
    assertThatThrownBy(() -> b.progressEveryResults(0))
        .hasMessage("progressEveryResults must be at least 1, but was 0");
    assertThatThrownBy(() -> b.onResult(null)).hasMessage("onResult must not be null");
    FanOut f = b.ratePerSecond(3).build();
    assertThat(f.concurrency()).isEqualTo(FanOut.DEFAULT_CONCURRENCY);
    assertThat(f.decreaseFactor()).isEqualTo(FanOut.DEFAULT_DECREASE_FACTOR);
    assertThat(f.maxThrottledAttempts()).isEqualTo(FanOut.DEFAULT_MAX_THROTTLED_ATTEMPTS);
    assertThat(f.quota()).isNull();
    assertThat(f).hasToString("FanOut{command setTarget by " + DeliveryStrategy.cloudToDevice()
        + ", devices=1, concurrency=100, ratePerSecond=3.0}");
  }

  @Test
  void progressAndSummaryCountsMustAddUp() {
    java.time.Instant t = java.time.Instant.EPOCH;
    FanOutProgress p = FanOutProgress.of(t, 10, 5, 2, 1, 3, java.util.OptionalLong.of(20), 16.666);
    assertThat(p.done()).isEqualTo(8);
    assertThat(p.inFlight()).isEqualTo(2);
    assertThat(p.remaining()).hasValue(12);
    assertThat(p).hasToString("8/20 done (5 succeeded, 2 failed, 1 cancelled), 2 in flight, 16.67/s, 3 429s");
    assertThatThrownBy(() -> FanOutProgress.of(t, 1, 1, 1, 0, 0, java.util.OptionalLong.empty(), 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FanOutSummary.of(FanOutSummary.End.COMPLETED, t, t, 3, 1, 1, 0, 0,
        java.util.OptionalLong.empty(), null)).hasMessage("succeeded + failed + cancelled must equal started (3), "
        + "but was 2");
    FanOutSummary s = FanOutSummary.of(FanOutSummary.End.CANCELLED, t, t.plusSeconds(5), 3, 1, 1, 1, 0,
        java.util.OptionalLong.of(10), null);
    assertThat(s.notStarted()).hasValue(7);
    assertThat(s.duration()).hasSeconds(5);
  }
}
