package io.github.iothubcommands.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AimdRateTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void startsAtTheCeilingAndStaysThereWithoutThrottling() {
    AimdRate rate = new AimdRate(400, 0.01, 0.5, 0.02);
    assertThat(rate.at(0)).isEqualTo(400);
    assertThat(rate.at(3600 * SECOND)).isEqualTo(400);
    assertThat(rate.recovered(3600 * SECOND)).isFalse();
  }

  @Test
  void aThrottledSendHalvesTheRateWhichThenGrowsBackLinearlyToTheCeiling() {
    AimdRate rate = new AimdRate(400, 0.01, 0.5, 0.02);
    assertThat(rate.throttled(10 * SECOND, 10 * SECOND)).isEqualTo(400);
    assertThat(rate.at(10 * SECOND)).isEqualTo(200);
    assertThat(rate.at(15 * SECOND)).isCloseTo(240, within(1e-9)); // +2% of 400 a second
    assertThat(rate.recovered(34 * SECOND)).isFalse();
    assertThat(rate.recovered(35 * SECOND)).isTrue(); // 25 s after the decrease
    assertThat(rate.recovered(36 * SECOND)).isFalse(); // once per recovery
    assertThat(rate.at(100 * SECOND)).isEqualTo(400);
  }

  @Test
  void sendsMadeBeforeTheLastDecreaseDoNotDecreaseAgain() {
    AimdRate rate = new AimdRate(400, 0.01, 0.5, 0.02);
    rate.throttled(9 * SECOND, 10 * SECOND);
    assertThat(rate.throttled(9 * SECOND + 1, 10 * SECOND + 5)).isNegative(); // sent at the old pace
    assertThat(rate.at(10 * SECOND)).isEqualTo(200);
    assertThat(rate.throttled(11 * SECOND, 11 * SECOND)).isCloseTo(208, within(1e-9)); // sent at the new pace
    assertThat(rate.at(11 * SECOND)).isCloseTo(104, within(1e-9));
  }

  @Test
  void theRateNeverFallsBelowItsFloor() {
    AimdRate rate = new AimdRate(100, 0.01, 0.5, 0.02);
    for (int i = 0; i < 20; i++) {
      rate.throttled(i, i);
    }
    assertThat(rate.at(20)).isCloseTo(1, within(1e-6));
  }
}
