package io.github.iothubcommands;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@link FanOut} stands: devices started, done (succeeded, failed, cancelled), in flight, remaining
 * when the size is known, 429s seen, and the current pace. Immutable; published to {@link
 * FanOut.Builder#onProgress} and returned by {@link FanOutHandle#progress()}.
 */
public final class FanOutProgress {
  private final Instant at;
  private final long started;
  private final long succeeded;
  private final long failed;
  private final long cancelled;
  private final long throttled;
  private final OptionalLong total;
  private final double ratePerSecond;

  private FanOutProgress(Instant at, long started, long succeeded, long failed, long cancelled, long throttled,
      OptionalLong total, double ratePerSecond) {
    this.at = Objects.requireNonNull(at, "at");
    this.total = Objects.requireNonNull(total, "total");
    checkCounts(started, succeeded, failed, cancelled, throttled, total, false);
    this.started = started;
    this.succeeded = succeeded;
    this.failed = failed;
    this.cancelled = cancelled;
    this.throttled = throttled;
    this.ratePerSecond = ratePerSecond;
  }

  /** The rules of a fan-out's counts, shared with {@link FanOutSummary}, which also needs every device done. */
  static void checkCounts(long started, long succeeded, long failed, long cancelled, long throttled,
      OptionalLong total, boolean allDone) {
    if (started < 0 || succeeded < 0 || failed < 0 || cancelled < 0 || throttled < 0) {
      throw new IllegalArgumentException("counts must not be negative, but were started=" + started + ", succeeded="
          + succeeded + ", failed=" + failed + ", cancelled=" + cancelled + ", throttled=" + throttled);
    }
    long done = succeeded + failed + cancelled;
    if (allDone ? done != started : done > started) {
      throw new IllegalArgumentException("succeeded + failed + cancelled must " + (allDone ? "equal" : "be at most")
          + " started (" + started + "), but was " + done);
    }
    if (total.isPresent() && started > total.getAsLong()) {
      throw new IllegalArgumentException("started must be at most total (" + total.getAsLong() + "), but was "
          + started);
    }
  }

  /**
   * Creates a progress event. The client creates them; this factory is public so that tests can too.
   *
   * @param at when, on the client's time source
   * @param started devices taken from the source so far
   * @param succeeded devices done with success
   * @param failed devices done without success, not cancelled
   * @param cancelled devices cancelled before their result
   * @param throttled 429 answers seen so far (a device resent after one counts each)
   * @param total how many devices the fan-out targets, when known
   * @param ratePerSecond the current pace, devices per second
   * @return the event
   * @throws IllegalArgumentException if a count is negative, more devices are done than started, or more
   *     started than the total
   */
  public static FanOutProgress of(Instant at, long started, long succeeded, long failed, long cancelled,
      long throttled, OptionalLong total, double ratePerSecond) {
    return new FanOutProgress(at, started, succeeded, failed, cancelled, throttled, total, ratePerSecond);
  }

  /**
   * Returns when this was measured.
   *
   * @return the instant, on the client's time source
   */
  public Instant at() {
    return at;
  }

  /**
   * Returns how many devices were taken from the source and started.
   *
   * @return the count
   */
  public long started() {
    return started;
  }

  /**
   * Returns how many devices have their result.
   *
   * @return succeeded + failed + cancelled
   */
  public long done() {
    return succeeded + failed + cancelled;
  }

  /**
   * Returns how many devices succeeded.
   *
   * @return the count
   */
  public long succeeded() {
    return succeeded;
  }

  /**
   * Returns how many devices failed (not cancelled).
   *
   * @return the count
   */
  public long failed() {
    return failed;
  }

  /**
   * Returns how many devices were cancelled before their result.
   *
   * @return the count
   */
  public long cancelled() {
    return cancelled;
  }

  /**
   * Returns how many devices are started and without a result: sent, or waiting to be resent after a 429.
   *
   * @return started − done
   */
  public long inFlight() {
    return started - done();
  }

  /**
   * Returns how many 429 answers the fan-out has seen.
   *
   * @return the count
   */
  public long throttled() {
    return throttled;
  }

  /**
   * Returns how many devices the fan-out targets, when known.
   *
   * @return the size of a list source, or empty
   */
  public OptionalLong total() {
    return total;
  }

  /**
   * Returns how many devices have no result yet, when the total is known.
   *
   * @return total − done, or empty
   */
  public OptionalLong remaining() {
    return total.isPresent() ? OptionalLong.of(total.getAsLong() - done()) : OptionalLong.empty();
  }

  /**
   * Returns the pace now.
   *
   * @return devices started per second
   */
  public double ratePerSecond() {
    return ratePerSecond;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof FanOutProgress p && at.equals(p.at) && started == p.started && succeeded == p.succeeded
        && failed == p.failed && cancelled == p.cancelled && throttled == p.throttled && total.equals(p.total)
        && ratePerSecond == p.ratePerSecond;
  }

  @Override
  public int hashCode() {
    return Objects.hash(at, started, succeeded, failed, cancelled, throttled, total, ratePerSecond);
  }

  /** One line: {@code 640/1000 done (630 succeeded, 10 failed, 0 cancelled), 40 in flight, 16.67/s, 0 429s}. */
  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%,d%s done (%,d succeeded, %,d failed, %,d cancelled), %,d in flight, "
        + "%.2f/s, %,d 429s", done(), total.isPresent() ? String.format(Locale.ROOT, "/%,d", total.getAsLong()) : "",
        succeeded, failed, cancelled, inFlight(), ratePerSecond, throttled);
  }
}
