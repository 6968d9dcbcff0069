package io.github.iothubcommands.testkit.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubcommands.HubTier;
import io.github.iothubcommands.engine.HubLimits;
import io.github.iothubcommands.testkit.FakeHub;
import io.github.iothubcommands.testkit.junit.FakeHubSettings.Time;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** {@link FakeHubSettings} on classes and methods: the nearest setting of each attribute wins. */
@ExtendWith(FakeHubExtension.class)
@FakeHubSettings(queueDepth = 5, feedbackBatchInterval = "PT1S", recordLimit = 3)
@Timeout(30)
class FakeHubSettingsTest {
  private final FakeHub constructorHub;

  FakeHubSettingsTest(FakeHub hub) {
    this.constructorHub = hub;
  }

  @Test
  void classSettingsApplyAndTheRestKeepTheirDefaults(FakeHub hub) {
    HubLimits limits = hub.engine().limits();
    assertThat(limits.queueDepth()).isEqualTo(5);
    assertThat(limits.feedbackBatchInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(hub.recordLimit()).isEqualTo(3);
    assertThat(limits.maxDeliveryCount()).isEqualTo(HubLimits.DEFAULTS.maxDeliveryCount());
    assertThat(limits.lockTimeout()).isEqualTo(HubLimits.DEFAULTS.lockTimeout());
    hub.advance(Duration.ofSeconds(1)); // virtual time
  }

  @Test
  @FakeHubSettings(queueDepth = 7, maxDeliveryCount = 2, lockTimeout = "PT30S", maxTimeToLive = "PT2H",
      maxMessageBytes = 1024, feedbackBatchSize = 8, maxMethodPayloadBytes = 2048)
  void methodSettingsOverrideOnlyWhatTheySet(FakeHub hub) {
    HubLimits limits = hub.engine().limits();
    assertThat(limits).isEqualTo(HubLimits.custom().queueDepth(7).maxDeliveryCount(2)
        .lockTimeout(Duration.ofSeconds(30)).maxTimeToLive(Duration.ofHours(2)).maxMessageBytes(1024)
        .feedbackBatchSize(8).maxMethodPayloadBytes(2048).feedbackBatchInterval(Duration.ofSeconds(1)).build());
    assertThat(hub.recordLimit()).isEqualTo(3);
  }

  @Test
  @FakeHubSettings(recordLimit = 0)
  void theConstructorsHubHasTheMethodsSettings(FakeHub hub) {
    assertThat(constructorHub).isSameAs(hub);
    assertThat(constructorHub.recordLimit()).isZero();
  }

  @Test
  @FakeHubSettings(tier = HubTier.S1, units = 2)
  void aTierThrottlesAtItsQuota(FakeHub hub) {
    HubLimits limits = hub.engine().limits();
    assertThat(limits.tier()).contains(HubTier.S1);
    assertThat(limits.units()).isEqualTo(2);
    assertThat(HubLimits.DEFAULTS.tier()).isEmpty();
  }

  @Test
  @FakeHubSettings(tier = HubTier.S3)
  void aTierWithoutUnitsHasOne(FakeHub hub) {
    assertThat(hub.engine().limits().units()).isEqualTo(1);
  }

  @Test
  @FakeHubSettings(time = Time.REAL)
  void realTimeRunsOnTheWallClock(FakeHub hub) {
    assertThatThrownBy(() -> hub.advance(Duration.ofSeconds(1))).isInstanceOf(IllegalStateException.class);
  }

  @Nested
  @FakeHubSettings(time = Time.REAL, queueDepth = 9)
  class NestedClasses {
    @Test
    void inheritWhatTheyDoNotSet(FakeHub hub) {
      assertThat(hub.engine().limits().queueDepth()).isEqualTo(9);
      assertThat(hub.engine().limits().feedbackBatchInterval()).isEqualTo(Duration.ofSeconds(1));
      assertThatThrownBy(() -> hub.advance(Duration.ofSeconds(1))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    @FakeHubSettings(time = Time.VIRTUAL)
    void aMethodCanTurnVirtualTimeBackOn(FakeHub hub) {
      hub.advance(Duration.ofSeconds(1));
      assertThat(hub.engine().limits().queueDepth()).isEqualTo(9);
    }
  }

  @Test
  void anInvalidSettingFailsTheTestNamingTheTestTheRuleAndTheValue() {
    TestExecutionSummary summary = TestRuns.run(ExtensionFixtures.InvalidSettings.class);
    assertThat(TestRuns.failureMessages(summary)).containsExactlyInAnyOrder(
        "@FakeHubSettings for InvalidSettings.zeroQueueDepth(): queueDepth must be positive, but was 0",
        "@FakeHubSettings for InvalidSettings.unreadableDuration(): feedbackBatchInterval must be an ISO-8601 "
            + "duration such as PT15S, but was '15s'",
        "@FakeHubSettings for InvalidSettings.negativeRecordLimit(): recordLimit must be at least 0, but was -2");
  }
}
