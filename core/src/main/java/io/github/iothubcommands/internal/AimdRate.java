package io.github.iothubcommands.internal;

/**
 * The fan-out's pace, additive increase / multiplicative decrease under a ceiling. It starts at the ceiling
 * (the hub's documented quota, which it never exceeds, so it does not probe for 429s). A 429 on a command sent
 * at the current pace multiplies the rate by the decrease factor; 429s on commands sent before that decrease
 * were sent at the old pace and change nothing (one decrease per round, as TCP does per window). From a
 * decrease the rate grows back linearly with time, so no timer drives it: {@link #at(long)} computes it.
 * Times are nanoseconds on the fan-out's own axis. Not thread-safe: the caller holds its lock.
 */
final class AimdRate {
  private final double ceiling;
  private final double floor;
  private final double factor;
  private final double increasePerNano;
  private double base;
  private long baseAt = Long.MIN_VALUE;
  private boolean recovering;

  AimdRate(double ceiling, double floorFraction, double factor, double increasePerSecond) {
    this.ceiling = ceiling;
    this.floor = ceiling * floorFraction;
    this.factor = factor;
    this.increasePerNano = increasePerSecond * ceiling / 1e9;
    this.base = ceiling;
  }

  /** The rate at {@code now}, per second. */
  double at(long now) {
    return recovering ? Math.min(ceiling, base + increasePerNano * (now - baseAt)) : ceiling;
  }

  /**
   * A command sent at {@code sentAt} was throttled, seen at {@code now}: decreases the rate unless it was
   * sent before the last decrease. Returns the rate before, or a negative number when nothing changed.
   */
  double throttled(long sentAt, long now) {
    if (sentAt < baseAt) {
      return -1;
    }
    double from = at(now);
    base = Math.max(floor, from * factor);
    baseAt = now;
    recovering = true;
    return from;
  }

  /** Whether the rate has just grown back to the ceiling (true once per recovery). */
  boolean recovered(long now) {
    if (recovering && base + increasePerNano * (now - baseAt) >= ceiling) {
      recovering = false;
      return true;
    }
    return false;
  }

  double ceiling() {
    return ceiling;
  }
}
