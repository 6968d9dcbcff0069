package io.github.iothubcommands.engine;

import java.time.Duration;
import java.time.Instant;

/**
 * A token bucket on the engine's time: it refills at a steady rate up to its capacity and starts full. Time
 * is read by the caller from the injected time source and passed in; the bucket never reads a clock.
 * Guarded by the engine lock.
 */
final class TokenBucket {
  /** Tolerance for rates such as 100/60 per second, whose sums land a hair below a whole token. */
  private static final double EPSILON = 1e-9;

  private final double ratePerSecond;
  private final double capacity;
  private double tokens;
  private Instant last;

  TokenBucket(double ratePerSecond, Duration burst, Instant now) {
    this.ratePerSecond = ratePerSecond;
    this.capacity = ratePerSecond * seconds(burst);
    this.tokens = capacity;
    this.last = now;
  }

  /**
   * Takes {@code cost} tokens if the bucket holds them; otherwise takes nothing. A cost larger than the whole
   * bucket (a 128 KB direct method on a small quota) would otherwise never pass: it passes when the bucket is
   * full and leaves it in debt, so what follows waits until the traffic it used is earned back.
   */
  boolean tryTake(double cost, Instant now) {
    refill(now);
    double need = Math.min(cost, capacity);
    if (tokens + EPSILON * Math.max(1, need) < need) {
      return false;
    }
    tokens = cost > capacity ? tokens - cost : Math.max(0, tokens - cost);
    return true;
  }

  double capacity() {
    return capacity;
  }

  double ratePerSecond() {
    return ratePerSecond;
  }

  private void refill(Instant now) {
    if (now.isAfter(last)) { // a wall clock stepping back refills nothing
      tokens = Math.min(capacity, tokens + seconds(Duration.between(last, now)) * ratePerSecond);
      last = now;
    }
  }

  static double seconds(Duration d) {
    return d.getSeconds() + d.getNano() / 1e9;
  }
}
