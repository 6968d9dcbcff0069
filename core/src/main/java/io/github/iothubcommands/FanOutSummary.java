package io.github.iothubcommands;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link FanOut} ended: why, when, and how many devices succeeded, failed or were cancelled. Every
 * device started has exactly one result, so {@code succeeded + failed + cancelled == started}. Immutable; the
 * value of {@link FanOutHandle#summary()}.
 */
public final class FanOutSummary {
  /** Why the fan-out ended. */
  public enum End {
    /** Every device of the source was started and has its result. */
    COMPLETED,
    /** {@link FanOutHandle#stop()}: no more devices were started; those in flight finished. */
    STOPPED,
    /** {@link FanOutHandle#cancel()}: no more devices were started; commands in flight were cancelled. */
    CANCELLED,
    /** The source of device ids threw; no more devices were started; those in flight finished. */
    SOURCE_FAILED,
    /** The client was closed; commands in flight ended {@code FAILED} ("client closed"). */
    CLIENT_CLOSED
  }

  private final End end;
  private final Instant startedAt;
  private final Instant finishedAt;
  private final long started;
  private final long succeeded;
  private final long failed;
  private final long cancelled;
  private final long throttled;
  private final OptionalLong total;
  private final @Nullable RuntimeException sourceFailure;

  private FanOutSummary(End end, Instant startedAt, Instant finishedAt, long started, long succeeded, long failed,
      long cancelled, long throttled, OptionalLong total, @Nullable RuntimeException sourceFailure) {
    this.end = Objects.requireNonNull(end, "end");
    this.startedAt = Objects.requireNonNull(startedAt, "startedAt");
    this.finishedAt = Objects.requireNonNull(finishedAt, "finishedAt");
    this.total = Objects.requireNonNull(total, "total");
    FanOutProgress.checkCounts(started, succeeded, failed, cancelled, throttled, total, true);
    this.started = started;
    this.succeeded = succeeded;
    this.failed = failed;
    this.cancelled = cancelled;
    this.throttled = throttled;
    this.sourceFailure = sourceFailure;
  }

  /**
   * Creates a summary. The client creates them; this factory is public so that tests can too.
   *
   * @param end why the fan-out ended
   * @param startedAt when it started, on the client's time source
   * @param finishedAt when the last device had its result
   * @param started devices started
   * @param succeeded devices that succeeded
   * @param failed devices that failed, not cancelled
   * @param cancelled devices cancelled
   * @param throttled 429 answers seen
   * @param total how many devices the fan-out targeted, when known
   * @param sourceFailure what the id source threw, for {@link End#SOURCE_FAILED}
   * @return the summary
   * @throws IllegalArgumentException if a count is negative, the results do not add up to {@code started}, or
   *     more devices started than the total
   */
  public static FanOutSummary of(End end, Instant startedAt, Instant finishedAt, long started, long succeeded,
      long failed, long cancelled, long throttled, OptionalLong total, @Nullable RuntimeException sourceFailure) {
    return new FanOutSummary(end, startedAt, finishedAt, started, succeeded, failed, cancelled, throttled, total,
        sourceFailure);
  }

  /**
   * Returns why the fan-out ended.
   *
   * @return the reason
   */
  public End end() {
    return end;
  }

  /**
   * Returns when the fan-out started.
   *
   * @return the instant, on the client's time source
   */
  public Instant startedAt() {
    return startedAt;
  }

  /**
   * Returns when the last device had its result.
   *
   * @return the instant, on the client's time source
   */
  public Instant finishedAt() {
    return finishedAt;
  }

  /**
   * Returns how long the fan-out took.
   *
   * @return finishedAt − startedAt
   */
  public Duration duration() {
    return Duration.between(startedAt, finishedAt);
  }

  /**
   * Returns how many devices were started; each has exactly one result.
   *
   * @return the count
   */
  public long started() {
    return started;
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
   * Returns how many devices were cancelled.
   *
   * @return the count
   */
  public long cancelled() {
    return cancelled;
  }

  /**
   * Returns how many 429 answers the fan-out saw (a device resent after one counts each).
   *
   * @return the count
   */
  public long throttled() {
    return throttled;
  }

  /**
   * Returns how many devices the fan-out targeted, when known.
   *
   * @return the size of a list source, or empty
   */
  public OptionalLong total() {
    return total;
  }

  /**
   * Returns how many devices of a known total were never started (the fan-out was stopped or cancelled
   * first).
   *
   * @return total − started, or empty when the total is not known
   */
  public OptionalLong notStarted() {
    return total.isPresent() ? OptionalLong.of(total.getAsLong() - started) : OptionalLong.empty();
  }

  /**
   * Returns what the source of device ids threw.
   *
   * @return the exception, present exactly for {@link End#SOURCE_FAILED}
   */
  public Optional<RuntimeException> sourceFailure() {
    return Optional.ofNullable(sourceFailure);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof FanOutSummary s && end == s.end && startedAt.equals(s.startedAt)
        && finishedAt.equals(s.finishedAt) && started == s.started && succeeded == s.succeeded && failed == s.failed
        && cancelled == s.cancelled && throttled == s.throttled && total.equals(s.total)
        && Objects.equals(sourceFailure, s.sourceFailure);
  }

  @Override
  public int hashCode() {
    return Objects.hash(end, startedAt, finishedAt, started, succeeded, failed, cancelled, throttled, total);
  }

  @Override
  public String toString() {
    return "FanOutSummary{" + end + ", started=" + started + ", succeeded=" + succeeded + ", failed=" + failed
        + ", cancelled=" + cancelled + ", throttled=" + throttled + (total.isPresent() ? ", total="
        + total.getAsLong() : "") + ", took " + duration() + '}';
  }
}
