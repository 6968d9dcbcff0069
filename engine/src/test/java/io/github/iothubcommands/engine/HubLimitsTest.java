package io.github.iothubcommands.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubcommands.HubError;
import io.github.iothubcommands.HubException;
import io.github.iothubcommands.MethodResponse;
import io.github.iothubcommands.spi.MethodInvocation;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class HubLimitsTest {

  @Test
  void defaultsAreIotHubsDocumentedValues() {
    HubLimits l = HubLimits.ofDefaults();
    assertThat(l.queueDepth()).isEqualTo(50);
    assertThat(l.maxMessageBytes()).isEqualTo(64 * 1024);
    assertThat(l.maxTimeToLive()).isEqualTo(Duration.ofDays(2));
    assertThat(l.lockTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(l.maxDeliveryCount()).isEqualTo(10);
    assertThat(l.feedbackBatchSize()).isEqualTo(64);
    assertThat(l.feedbackBatchInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(l.maxMethodPayloadBytes()).isEqualTo(128 * 1024);
    assertThat(l.maxConnectTimeout()).isEqualTo(Duration.ofSeconds(300));
    assertThat(l.minResponseTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(l.maxResponseTimeout()).isEqualTo(Duration.ofSeconds(300));
  }

  @Test
  void toBuilderKeepsEveryLimitAndEqualityFollowsTheValues() {
    HubLimits custom = HubLimits.custom().queueDepth(3).maxResponseTimeout(Duration.ofMinutes(10)).build();
    assertThat(custom.toBuilder().build()).isEqualTo(custom).hasSameHashCodeAs(custom);
    assertThat(custom).isNotEqualTo(HubLimits.ofDefaults());
    assertThat(custom.toString()).contains("queueDepth=3");
  }

  @Test
  void settersRefuseValuesOutOfRangeAtOnceNamingTheField() {
    assertThatThrownBy(() -> HubLimits.custom().queueDepth(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("queueDepth must be positive, but was 0");
    assertThatThrownBy(() -> HubLimits.custom().lockTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("lockTimeout must be positive, but was PT0S");
    assertThatThrownBy(() -> HubLimits.custom().maxConnectTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxConnectTimeout must not be negative, but was PT-1S");
    assertThatThrownBy(() -> HubLimits.custom().minResponseTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("minResponseTimeout must be positive");
  }

  @Test
  void aResponseTimeoutRangeWhoseMinimumExceedsItsMaximumIsRefusedAtBuild() {
    HubLimits.Builder b = HubLimits.custom().minResponseTimeout(Duration.ofSeconds(30))
        .maxResponseTimeout(Duration.ofSeconds(10));
    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
        .hasMessage("minResponseTimeout (PT30S) must not be longer than maxResponseTimeout (PT10S)");
  }

  @Test
  void theEngineAcceptsMethodTimeoutsWithinConfiguredRangesAndRefusesOthers() {
    HubLimits limits = HubLimits.custom().maxConnectTimeout(Duration.ofSeconds(10))
        .minResponseTimeout(Duration.ofSeconds(1)).maxResponseTimeout(Duration.ofMinutes(10)).build();
    VirtualTime time = new VirtualTime();
    try (HubEngine engine = new HubEngine(limits, time)) {
      engine.registerDevice("d1", null, null);
      assertThat(engine.invoke(call(Duration.ofSeconds(10), Duration.ofMinutes(10)))).isNotDone();
      assertThat(refusal(engine.invoke(call(Duration.ofSeconds(11), Duration.ofSeconds(30)))))
          .isEqualTo("BAD_REQUEST (400000): connectTimeoutInSeconds must be between 0 and 10, but was 11");
      assertThat(refusal(engine.invoke(call(Duration.ZERO, Duration.ofMinutes(11)))))
          .isEqualTo("BAD_REQUEST (400000): responseTimeoutInSeconds must be between 1 and 600, but was 660");
    }
  }

  private static MethodInvocation call(Duration connect, Duration response) {
    return MethodInvocation.builder().deviceId("d1").methodName("m").payloadJson("null")
        .connectTimeout(connect).responseTimeout(response).build();
  }

  private static String refusal(CompletableFuture<MethodResponse> f) {
    assertThat(f).isCompletedExceptionally();
    return f.handle((v, e) -> {
      assertThat(((HubException) e).error()).isEqualTo(HubError.BAD_REQUEST);
      return e.getMessage();
    }).join();
  }
}
