package io.github.iothubcommands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(10)
class RetryPolicyTest {
  private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
  private static final RetryPolicy EXACT = RetryPolicy.custom().maxAttempts(5).initialBackoff(Duration.ofSeconds(1))
      .multiplier(2).maxBackoff(Duration.ofSeconds(5)).jitter(0).deadline(Duration.ofMinutes(1)).build();

  private static CommandOutcome outcome(CommandStatus status, HubError error) {
    return CommandOutcome.builder().commandId("c").deviceId("d").status(status).hubError(error).completedAt(T).build();
  }

  private static CommandOutcome offline() {
    return outcome(CommandStatus.DEVICE_OFFLINE, HubError.DEVICE_NOT_ONLINE);
  }

  @Test
  void noneNeverRetriesAndIsEveryStrategysDefault() {
    assertThat(RetryPolicy.none().maxAttempts()).isEqualTo(1);
    assertThat(RetryPolicy.none().retries()).isFalse();
    assertThat(RetryPolicy.none().nextDelay(1, offline(), Duration.ZERO, 0.5)).isEmpty();
    assertThat(DirectMethod.ofDefaults().retryPolicy()).isEqualTo(RetryPolicy.none());
    assertThat(CloudToDevice.ofDefaults().retryPolicy()).isEqualTo(RetryPolicy.none());
    assertThat(DirectMethod.ofDefaults().sendCommandId()).isTrue();
  }

  @Test
  void defaultsAreTheDocumentedPreset() {
    RetryPolicy d = RetryPolicy.defaults();
    assertThat(d.maxAttempts()).isEqualTo(RetryPolicy.DEFAULT_MAX_ATTEMPTS).isEqualTo(4);
    assertThat(d.initialBackoff()).isEqualTo(Duration.ofSeconds(1));
    assertThat(d.multiplier()).isEqualTo(2.0);
    assertThat(d.maxBackoff()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.jitter()).isEqualTo(0.5);
    assertThat(d.deadline()).isEqualTo(Duration.ofMinutes(2));
    assertThat(RetryPolicy.custom().build()).isEqualTo(d);
    assertThat(d.toBuilder().build()).isEqualTo(d).hasSameHashCodeAs(d);
    assertThat(d.toBuilder().maxAttempts(2).build()).isNotEqualTo(d);
  }

  @Test
  void withoutJitterTheDelaysDoubleUpToTheCap() {
    assertThat(EXACT.nextDelay(1, offline(), Duration.ZERO, 0.99)).contains(Duration.ofSeconds(1));
    assertThat(EXACT.nextDelay(2, offline(), Duration.ZERO, 0.5)).contains(Duration.ofSeconds(2));
    assertThat(EXACT.nextDelay(3, offline(), Duration.ZERO, 0.0)).contains(Duration.ofSeconds(4));
    assertThat(EXACT.nextDelay(4, offline(), Duration.ZERO, 0.0)).contains(Duration.ofSeconds(5));
    assertThat(EXACT.nextDelay(5, offline(), Duration.ZERO, 0.0)).as("max attempts made").isEmpty();
    assertThat(EXACT.baseDelay(1000)).isEqualTo(Duration.ofSeconds(5)); // no overflow far out
  }

  @Test
  void jitterTakesOffAtMostItsShareOfTheBase() {
    RetryPolicy half = EXACT.toBuilder().jitter(0.5).build();
    assertThat(half.nextDelay(2, offline(), Duration.ZERO, 0.0)).contains(Duration.ofSeconds(2));
    assertThat(half.nextDelay(2, offline(), Duration.ZERO, 0.5)).contains(Duration.ofMillis(1500));
    RetryPolicy full = EXACT.toBuilder().jitter(1).build();
    assertThat(full.nextDelay(2, offline(), Duration.ZERO, 0.75)).contains(Duration.ofMillis(500));
  }

  @Test
  void noAttemptStartsAtOrAfterTheDeadline() {
    RetryPolicy p = EXACT.toBuilder().deadline(Duration.ofSeconds(10)).build();
    assertThat(p.nextDelay(1, offline(), Duration.ofMillis(8999), 0)).contains(Duration.ofSeconds(1));
    assertThat(p.nextDelay(1, offline(), Duration.ofSeconds(9), 0)).isEmpty();
    assertThat(p.nextDelay(1, offline(), Duration.ofSeconds(30), 0)).isEmpty();
  }

  @Test
  void transientHubErrorsAreRetriedAndPermanentOnesAreNot() {
    EnumSet<HubError> transientErrors = EnumSet.noneOf(HubError.class);
    for (HubError e : HubError.values()) {
      if (RetryPolicy.isTransient(e)) {
        transientErrors.add(e);
      }
    }
    assertThat(transientErrors).containsExactlyInAnyOrder(HubError.DEVICE_NOT_ONLINE, HubError.THROTTLED,
        HubError.SERVER_ERROR, HubError.SERVER_BUSY, HubError.GATEWAY_TIMEOUT, HubError.CONNECTION_FAILED);
    assertThat(RetryPolicy.isRetryable(outcome(CommandStatus.FAILED, HubError.THROTTLED))).isTrue();
    assertThat(RetryPolicy.isRetryable(outcome(CommandStatus.FAILED, HubError.CONNECTION_FAILED))).isTrue();
    assertThat(RetryPolicy.isRetryable(outcome(CommandStatus.TIMED_OUT, HubError.GATEWAY_TIMEOUT))).isTrue();
    assertThat(RetryPolicy.isRetryable(offline())).isTrue();
    assertThat(RetryPolicy.isRetryable(outcome(CommandStatus.FAILED, HubError.QUEUE_DEPTH_EXCEEDED))).isFalse();
    assertThat(RetryPolicy.isRetryable(outcome(CommandStatus.FAILED, HubError.DEVICE_NOT_FOUND))).isFalse();
    assertThat(RetryPolicy.isRetryable(outcome(CommandStatus.FAILED, HubError.UNAUTHORIZED))).isFalse();
    assertThat(RetryPolicy.isRetryable(outcome(CommandStatus.FAILED, HubError.MESSAGE_TOO_LARGE))).isFalse();
    assertThat(RetryPolicy.isRetryable(outcome(CommandStatus.FAILED, HubError.UNKNOWN))).isFalse();
  }

  @Test
  void aDevicesOwnAnswerIsFinalEvenWithATransientLookingStatus() {
    CommandOutcome answered = CommandOutcome.builder().commandId("c").deviceId("d").status(CommandStatus.FAILED)
        .methodResponse(new MethodResponse(503, "{}")).completedAt(T).build();
    assertThat(RetryPolicy.isRetryable(answered)).isFalse();
    CommandOutcome noError = CommandOutcome.builder().commandId("c").deviceId("d").status(CommandStatus.FAILED)
        .detail("no feedback").completedAt(T).build();
    assertThat(RetryPolicy.isRetryable(noError)).isFalse();
  }

  @ParameterizedTest
  @EnumSource(value = CommandStatus.class, names = {"ACCEPTED", "DELIVERED", "SUCCEEDED", "NOT_DELIVERED",
      "REJECTED", "EXPIRED", "DELIVERY_COUNT_EXCEEDED", "PURGED", "CANCELLED"})
  void successesFeedbackAndCancellationAreNeverRetried(CommandStatus status) {
    CommandOutcome o = CommandOutcome.builder().commandId("c").deviceId("d").status(status).completedAt(T).build();
    assertThat(RetryPolicy.isRetryable(o)).isFalse();
    assertThat(RetryPolicy.defaults().nextDelay(1, o, Duration.ZERO, 0)).isEqualTo(Optional.empty());
  }

  @Test
  void everySettingIsValidatedNamingTheFieldTheRuleAndTheValue() {
    RetryPolicy.Builder b = RetryPolicy.custom();
    assertThatThrownBy(() -> b.maxAttempts(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxAttempts must be at least 1, but was 0");
    assertThatThrownBy(() -> b.initialBackoff(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("initialBackoff must be between 0.001 s and 86400 s, but was 0 s");
    assertThatThrownBy(() -> b.multiplier(0.5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("multiplier must be between 1 and 100.0, but was 0.5");
    assertThatThrownBy(() -> b.multiplier(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> b.jitter(1.5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("jitter must be between 0 and 1, but was 1.5");
    assertThatThrownBy(() -> b.deadline(Duration.ofDays(8))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("deadline must be between");
    assertThatThrownBy(() -> b.maxBackoff(null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBackoff");
    assertThatThrownBy(() -> RetryPolicy.custom().initialBackoff(Duration.ofSeconds(10))
        .maxBackoff(Duration.ofSeconds(5)).build()).isInstanceOf(IllegalStateException.class)
        .hasMessage("maxBackoff must be at least initialBackoff, but maxBackoff was 5 s and initialBackoff 10 s");
    assertThatThrownBy(() -> EXACT.nextDelay(0, offline(), Duration.ZERO, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attemptsMade");
    assertThatThrownBy(() -> EXACT.nextDelay(1, offline(), Duration.ZERO, 1.0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("random must be in [0, 1), but was 1.0");
    assertThatThrownBy(() -> EXACT.nextDelay(1, offline(), Duration.ofSeconds(-1), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("elapsed must not be negative");
    assertThatThrownBy(() -> DirectMethod.custom().retry(null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retryPolicy");
  }

  @Test
  void strategiesCarryTheirPolicyThroughToBuilderAndEquality() {
    DirectMethod m = DirectMethod.custom().retry(EXACT).sendCommandId(false).build();
    assertThat(m.toBuilder().build()).isEqualTo(m).hasSameHashCodeAs(m);
    assertThat(m).isNotEqualTo(DirectMethod.custom().retry(EXACT).build());
    assertThat(m.toString()).contains("retry=RetryPolicy{maxAttempts=5").contains("sendCommandId=false");
    CloudToDevice c = CloudToDevice.custom().retry(EXACT).build();
    assertThat(c.toBuilder().build()).isEqualTo(c);
    assertThat(c).isNotEqualTo(CloudToDevice.ofDefaults());
    Fallback f = DeliveryStrategy.fallback(m, c);
    assertThat(f).isEqualTo(Fallback.of(m, c)).hasSameHashCodeAs(Fallback.of(m, c));
    assertThat(f.directMethod()).isSameAs(m);
    assertThat(f.cloudToDevice()).isSameAs(c);
    assertThatThrownBy(() -> DeliveryStrategy.fallback(null, c)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("first");
  }
}
