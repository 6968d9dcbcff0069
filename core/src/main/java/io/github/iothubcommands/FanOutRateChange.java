package io.github.iothubcommands;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The pace of a {@link FanOut} changed: it decreased because the hub answered 429, or it grew back to its
 * ceiling. Immutable; passed to {@link FanOut.Builder#onRateChange}.
 */
public final class FanOutRateChange {
  /** Why the pace changed. */
  public enum Reason {
    /** The hub answered 429 to a command sent at the current pace: the rate was multiplied down. */
    THROTTLED,
    /** The rate grew back, additively, to the fan-out's ceiling. */
    RECOVERED
  }

  private final Instant at;
  private final double fromPerSecond;
  private final double toPerSecond;
  private final Reason reason;

  private FanOutRateChange(Instant at, double fromPerSecond, double toPerSecond, Reason reason) {
    this.at = Objects.requireNonNull(at, "at");
    this.fromPerSecond = fromPerSecond;
    this.toPerSecond = toPerSecond;
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /**
   * Creates an event. The client creates them; this factory is public so that tests can too.
   *
   * @param at when, on the client's time source
   * @param fromPerSecond the rate before, devices per second
   * @param toPerSecond the rate after
   * @param reason why
   * @return the event
   */
  public static FanOutRateChange of(Instant at, double fromPerSecond, double toPerSecond, Reason reason) {
    return new FanOutRateChange(at, fromPerSecond, toPerSecond, reason);
  }

  /**
   * Returns when the pace changed.
   *
   * @return the instant, on the client's time source
   */
  public Instant at() {
    return at;
  }

  /**
   * Returns the rate before the change.
   *
   * @return devices per second
   */
  public double fromPerSecond() {
    return fromPerSecond;
  }

  /**
   * Returns the rate after the change.
   *
   * @return devices per second
   */
  public double toPerSecond() {
    return toPerSecond;
  }

  /**
   * Returns why the pace changed.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof FanOutRateChange c && at.equals(c.at) && fromPerSecond == c.fromPerSecond
        && toPerSecond == c.toPerSecond && reason == c.reason;
  }

  @Override
  public int hashCode() {
    return Objects.hash(at, fromPerSecond, toPerSecond, reason);
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "FanOutRateChange{%s %.2f/s -> %.2f/s at %s}", reason,
        fromPerSecond, toPerSecond, at);
  }
}
