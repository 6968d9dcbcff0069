package io.github.iothubcommands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicktheories.core.Gen;

/**
 * {@link RetryPolicy#nextDelay} over random policies, attempt numbers, elapsed times and draws (the run count
 * comes from the {@code QT_EXAMPLES} system property, 1,000 in the build).
 */
@Timeout(120)
class RetryPolicyPropertyTest {
  private static final int EXAMPLES = Integer.getInteger("QT_EXAMPLES", 1000);
  private static final CommandOutcome OFFLINE = CommandOutcome.builder().commandId("c").deviceId("d")
      .status(CommandStatus.DEVICE_OFFLINE).hubError(HubError.DEVICE_NOT_ONLINE)
      .completedAt(Instant.parse("2030-01-01T00:00:00Z")).build();

  /** Policies across the whole valid range: backoffs from 1 ms to 1 day, multipliers 1–100, any jitter. */
  private static Gen<RetryPolicy> policies() {
    Gen<Long> millis = longs().between(1, RetryPolicy.MAX_BACKOFF.toMillis());
    return millis.zip(millis, doubles().between(1.0, RetryPolicy.MAX_MULTIPLIER), doubles().between(0.0, 1.0),
        (a, b, multiplier, jitter) -> RetryPolicy.custom().maxAttempts(50)
            .initialBackoff(Duration.ofMillis(Math.min(a, b))).maxBackoff(Duration.ofMillis(Math.max(a, b)))
            .multiplier(multiplier).jitter(jitter).deadline(RetryPolicy.MAX_DEADLINE).build());
  }

  private static Gen<Double> draws() {
    return doubles().between(0.0, Math.nextDown(1.0));
  }

  @Test
  void everyDelayLiesBetweenTheJitteredBaseAndTheBaseAndNeverAboveTheCap() {
    qt().withExamples(EXAMPLES).forAll(policies(), integers().between(1, 49), draws()).checkAssert((p, n, r) -> {
      Duration delay = p.nextDelay(n, OFFLINE, Duration.ZERO, r).orElseThrow();
      Duration base = p.baseDelay(n);
      assertThat(delay).isLessThanOrEqualTo(base).isLessThanOrEqualTo(p.maxBackoff()).isPositive();
      long floor = (long) Math.floor(base.toNanos() * (1 - p.jitter())) - 1; // 1 ns of rounding
      assertThat(delay.toNanos()).isGreaterThanOrEqualTo(Math.min(floor, base.toNanos()));
    });
  }

  @Test
  void theBaseDelayGrowsMonotonicallyToTheCapAndStaysThere() {
    qt().withExamples(EXAMPLES).forAll(policies(), integers().between(1, 200)).checkAssert((p, n) -> {
      assertThat(p.baseDelay(n + 1)).isGreaterThanOrEqualTo(p.baseDelay(n));
      assertThat(p.baseDelay(n)).isLessThanOrEqualTo(p.maxBackoff()).isGreaterThanOrEqualTo(p.initialBackoff());
      assertThat(p.baseDelay(1)).isEqualTo(p.initialBackoff());
    });
  }

  @Test
  void noAttemptIsEverScheduledAtOrPastTheDeadline() {
    Gen<RetryPolicy> withDeadlines = policies().zip(longs().between(1, Duration.ofDays(7).toMillis()),
        (p, deadline) -> p.toBuilder().deadline(Duration.ofMillis(deadline)).build());
    qt().withExamples(EXAMPLES).forAll(withDeadlines, integers().between(1, 49),
        longs().between(0, Duration.ofDays(8).toMillis()), draws()).checkAssert((p, n, elapsedMillis, r) -> {
          Duration elapsed = Duration.ofMillis(elapsedMillis);
          Optional<Duration> delay = p.nextDelay(n, OFFLINE, elapsed, r);
          delay.ifPresent(d -> assertThat(elapsed.plus(d)).isLessThan(p.deadline()));
          if (delay.isEmpty()) { // only the deadline can have stopped it (retryable, n < max): even the
            // longest delay the draw could give, the base, would have started the attempt at or past it
            assertThat(elapsed.plus(p.baseDelay(n))).isGreaterThanOrEqualTo(p.deadline());
          }
        });
  }

  @Test
  void theDecisionIsPureAndStopsAtMaxAttempts() {
    qt().withExamples(EXAMPLES).forAll(policies(), integers().between(1, 60), draws()).checkAssert((p, n, r) -> {
      assertThat(p.nextDelay(n, OFFLINE, Duration.ZERO, r)).isEqualTo(p.nextDelay(n, OFFLINE, Duration.ZERO, r));
      assertThat(p.nextDelay(n, OFFLINE, Duration.ZERO, r).isPresent()).isEqualTo(n < p.maxAttempts());
    });
  }
}
