package io.github.iothubcommands;

import io.github.iothubcommands.internal.Validation;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * When and how often the client tries a command again after an attempt failed with a transient error:
 * exponential backoff with jitter, a maximum number of attempts and an overall deadline. Immutable; an
 * attribute of a strategy ({@link DirectMethod.Builder#retry(RetryPolicy)}, {@link
 * CloudToDevice.Builder#retry(RetryPolicy)}).
 *
 * <pre>{@code
 * RetryPolicy retry = RetryPolicy.custom()
 *     .maxAttempts(5)
 *     .initialBackoff(Duration.ofSeconds(2))
 *     .maxBackoff(Duration.ofSeconds(30))
 *     .deadline(Duration.ofMinutes(2))
 *     .build();
 * DirectMethod method = DirectMethod.custom().retry(retry).build();
 * }</pre>
 *
 * <h2>Delays</h2>
 *
 * <p>After attempt {@code n} failed (n from 1), the base delay is {@code min(maxBackoff, initialBackoff ×
 * multiplier^(n-1))}; the delay is the base reduced by a random share of at most {@code jitter}: {@code base ×
 * (1 − jitter × r)} with {@code r} uniform in [0, 1). So every delay lies in {@code (base × (1 − jitter),
 * base]}: jitter 0 gives exact exponential backoff, jitter 1 gives "full jitter" (anywhere up to the base),
 * and no delay ever exceeds {@code maxBackoff}. Jitter spreads the retries of a fleet that failed at the same
 * moment (a hub throttling everyone at once), so they do not return together.
 *
 * <h2>The deadline</h2>
 *
 * <p>Counted from the start of the first attempt. An attempt is started only strictly before the deadline;
 * one started before it runs to its own timeouts (a direct method's connect and response timeouts, a
 * message's time-to-live), so the command's outcome may come later than the deadline, never a new attempt.
 *
 * <h2>What is retried</h2>
 *
 * <p>{@link #isRetryable(CommandOutcome)} classifies an outcome: transient hub errors (404103 device offline,
 * 429 throttled, 500 and 503, 504101 gateway timeout, connection failures) are retried; permanent ones (400,
 * 401, 404001 unknown device, 403004 queue full, too large …), a device's own answer and every
 * cloud-to-device feedback status are not. {@code docs/retries-and-idempotency.md} has the full table.
 *
 * <h2>At least once</h2>
 *
 * <p>A retried command may run twice on the device: a 504 means the device was reached and may have run it
 * but did not answer in time, and a connection failure may hide an answer the hub had. The command id travels
 * with every attempt so that the device can run it once (the {@code device} module's dispatcher does).
 *
 * <p>{@link #nextDelay} is pure: the same arguments always give the same answer, so schedulers other than the
 * client's (the reactor module's) can drive it, and tests can replay it.
 */
public final class RetryPolicy {
  /** Default maximum number of attempts, the first included, of {@link #custom()} and {@link #defaults()}: 4. */
  public static final int DEFAULT_MAX_ATTEMPTS = 4;
  /** Default delay after the first failed attempt: 1 s. */
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);
  /** Default growth of the delay from one retry to the next: 2. */
  public static final double DEFAULT_MULTIPLIER = 2.0;
  /** Default longest delay: 30 s. */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
  /** Default jitter: 0.5, each delay between half and all of its base. */
  public static final double DEFAULT_JITTER = 0.5;
  /** Default overall deadline from the start of the first attempt: 2 minutes. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(2);
  /** Shortest backoff: 1 ms. */
  public static final Duration MIN_BACKOFF = Duration.ofMillis(1);
  /** Longest backoff: 1 day. */
  public static final Duration MAX_BACKOFF = Duration.ofDays(1);
  /** Largest multiplier: 100. */
  public static final double MAX_MULTIPLIER = 100.0;
  /** Longest deadline: 7 days. */
  public static final Duration MAX_DEADLINE = Duration.ofDays(7);

  private static final RetryPolicy NONE = custom().maxAttempts(1).build();
  private static final RetryPolicy DEFAULTS = custom().build();

  private final int maxAttempts;
  private final Duration initialBackoff;
  private final double multiplier;
  private final Duration maxBackoff;
  private final double jitter;
  private final Duration deadline;

  private RetryPolicy(Builder b) {
    this.maxAttempts = b.maxAttempts;
    this.initialBackoff = b.initialBackoff;
    this.multiplier = b.multiplier;
    this.maxBackoff = b.maxBackoff;
    this.jitter = b.jitter;
    this.deadline = b.deadline;
  }

  /**
   * Returns the policy that never retries: one attempt. The default of every strategy, so a command is sent
   * once unless a policy is given.
   *
   * @return the single-attempt policy
   */
  public static RetryPolicy none() {
    return NONE;
  }

  /**
   * Returns a sensible preset for commands a device can safely receive twice (or that it dedupes): {@value
   * #DEFAULT_MAX_ATTEMPTS} attempts, backoff from 1 s doubling up to 30 s, jitter 0.5, deadline 2 minutes.
   * Against a throttled or offline target that gives retries after about 0.5–1 s, 1–2 s and 2–4 s.
   *
   * @return the default policy
   */
  public static RetryPolicy defaults() {
    return DEFAULTS;
  }

  /**
   * Starts a builder holding the {@link #defaults()} values.
   *
   * @return a builder
   */
  public static Builder custom() {
    return new Builder();
  }

  /**
   * Returns a builder holding this policy's values.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxAttempts = maxAttempts;
    b.initialBackoff = initialBackoff;
    b.multiplier = multiplier;
    b.maxBackoff = maxBackoff;
    b.jitter = jitter;
    b.deadline = deadline;
    return b;
  }

  /**
   * Returns the maximum number of attempts, the first included.
   *
   * @return at least 1; 1 means no retry
   */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * Returns the base delay after the first failed attempt.
   *
   * @return the initial backoff
   */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /**
   * Returns how much the base delay grows from one retry to the next.
   *
   * @return at least 1
   */
  public double multiplier() {
    return multiplier;
  }

  /**
   * Returns the longest delay between two attempts.
   *
   * @return the maximum backoff
   */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /**
   * Returns the largest share of the base delay that jitter may take off.
   *
   * @return between 0 and 1
   */
  public double jitter() {
    return jitter;
  }

  /**
   * Returns the overall deadline from the start of the first attempt: no attempt starts at or after it.
   *
   * @return the deadline
   */
  public Duration deadline() {
    return deadline;
  }

  /**
   * Whether this policy ever retries.
   *
   * @return {@code true} if {@link #maxAttempts()} is more than 1
   */
  public boolean retries() {
    return maxAttempts > 1;
  }

  /**
   * Whether an attempt that ended with this outcome may be tried again: a transient hub error. Successes,
   * a device's own answer (a method reply outside 200–299), cloud-to-device feedback (rejected, expired …),
   * cancellation and permanent hub errors are not. See the class documentation.
   *
   * @param outcome the failed attempt's outcome
   * @return {@code true} for a transient failure
   * @throws IllegalArgumentException if {@code outcome} is null
   */
  public static boolean isRetryable(CommandOutcome outcome) {
    Validation.notNull("outcome", outcome);
    return switch (outcome.status()) {
      case QUEUED, SENT, ACCEPTED, DELIVERED, SUCCEEDED -> false; // not failures (QUEUED, SENT: not outcomes)
      case NOT_DELIVERED, REJECTED, EXPIRED, DELIVERY_COUNT_EXCEEDED, PURGED -> false; // the hub had the message
      case CANCELLED -> false; // the caller's decision
      case DEVICE_OFFLINE -> true; // 404103: the device may connect before the next attempt
      case TIMED_OUT -> true; // 504101 or no answer from the transport: transient (the device may have run it)
      case FAILED -> outcome.methodResponse().isEmpty() // a device's own answer is final
          && outcome.hubError().map(RetryPolicy::isTransient).orElse(false);
    };
  }

  /**
   * Whether a hub error is transient. Every error is listed, so a new one cannot be added without a
   * decision here.
   *
   * @param error the hub error
   * @return {@code true} for 404103, 429, 500, 503, 504101 and connection failures
   */
  public static boolean isTransient(HubError error) {
    return switch (Validation.notNull("error", error)) {
      case DEVICE_NOT_ONLINE, THROTTLED, SERVER_ERROR, SERVER_BUSY, GATEWAY_TIMEOUT, CONNECTION_FAILED -> true;
      // A request the hub refused as such is refused again: the caller must change something first.
      case BAD_REQUEST, UNAUTHORIZED, QUEUE_DEPTH_EXCEEDED, DEVICE_NOT_FOUND, DEVICE_ALREADY_EXISTS,
          PRECONDITION_FAILED, MESSAGE_TOO_LARGE -> false;
      // Not classified by the transport (for one, a transport bug): retrying would hide it.
      case UNKNOWN -> false;
    };
  }

  /**
   * Decides whether to try again, and after how long. Pure: it depends on its arguments only.
   *
   * @param attemptsMade how many attempts were made so far, the failed one included (from 1)
   * @param lastOutcome the outcome of the attempt that just ended
   * @param elapsed time from the start of the first attempt to now
   * @param random a number in [0, 1) choosing the jitter (the client draws it from its random source)
   * @return the delay before the next attempt, or empty to stop: the outcome is not {@linkplain #isRetryable
   *     retryable}, {@link #maxAttempts()} were made, or the next attempt would start at or after the {@link
   *     #deadline()}
   * @throws IllegalArgumentException if {@code attemptsMade} is less than 1, {@code elapsed} is negative or
   *     {@code random} is outside [0, 1)
   */
  public Optional<Duration> nextDelay(int attemptsMade, CommandOutcome lastOutcome, Duration elapsed,
      double random) {
    if (attemptsMade < 1) {
      throw new IllegalArgumentException("attemptsMade must be at least 1, but was " + attemptsMade);
    }
    Validation.notNegative("elapsed", elapsed);
    if (!(random >= 0.0 && random < 1.0)) {
      throw new IllegalArgumentException("random must be in [0, 1), but was " + random);
    }
    if (attemptsMade >= maxAttempts || !isRetryable(lastOutcome)) {
      return Optional.empty();
    }
    Duration delay = delay(attemptsMade, random);
    return elapsed.plus(delay).compareTo(deadline) < 0 ? Optional.of(delay) : Optional.empty();
  }

  /**
   * Returns the delay after attempt {@code attemptsMade} failed, before jitter: {@code min(maxBackoff,
   * initialBackoff × multiplier^(attemptsMade-1))}.
   *
   * @param attemptsMade how many attempts were made (from 1)
   * @return the base delay, never above {@link #maxBackoff()}
   * @throws IllegalArgumentException if {@code attemptsMade} is less than 1
   */
  public Duration baseDelay(int attemptsMade) {
    if (attemptsMade < 1) {
      throw new IllegalArgumentException("attemptsMade must be at least 1, but was " + attemptsMade);
    }
    double nanos = initialBackoff.toNanos() * Math.pow(multiplier, attemptsMade - 1.0);
    long cap = maxBackoff.toNanos();
    return Duration.ofNanos(nanos >= cap ? cap : (long) nanos); // NaN cannot occur; infinity compares above cap
  }

  private Duration delay(int attemptsMade, double random) {
    long base = baseDelay(attemptsMade).toNanos();
    long off = (long) (base * jitter * random); // < base, since random < 1
    return Duration.ofNanos(Math.max(1, base - off));
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof RetryPolicy p && p.maxAttempts == maxAttempts && p.initialBackoff.equals(initialBackoff)
        && Double.compare(p.multiplier, multiplier) == 0 && p.maxBackoff.equals(maxBackoff)
        && Double.compare(p.jitter, jitter) == 0 && p.deadline.equals(deadline);
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxAttempts, initialBackoff, multiplier, maxBackoff, jitter, deadline);
  }

  @Override
  public String toString() {
    if (!retries()) {
      return "RetryPolicy{none}";
    }
    return "RetryPolicy{maxAttempts=" + maxAttempts + ", initialBackoff=" + Validation.seconds(initialBackoff)
        + ", multiplier=" + multiplier + ", maxBackoff=" + Validation.seconds(maxBackoff) + ", jitter=" + jitter
        + ", deadline=" + Validation.seconds(deadline) + '}';
  }

  /** Builds a {@link RetryPolicy}; each setter validates at once, {@link #build()} checks them together. */
  public static final class Builder {
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private double multiplier = DEFAULT_MULTIPLIER;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private double jitter = DEFAULT_JITTER;
    private Duration deadline = DEFAULT_DEADLINE;

    private Builder() {}

    /**
     * Sets the maximum number of attempts, the first included.
     *
     * @param maxAttempts at least 1 (1: no retry)
     * @return this builder
     * @throws IllegalArgumentException if {@code maxAttempts} is less than 1
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1, but was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * Sets the base delay after the first failed attempt.
     *
     * @param initialBackoff between 1 ms and 1 day ({@link #MIN_BACKOFF}, {@link #MAX_BACKOFF})
     * @return this builder
     * @throws IllegalArgumentException if the backoff is outside that range
     */
    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff =
          Validation.durationBetween("initialBackoff", initialBackoff, MIN_BACKOFF, MAX_BACKOFF, false);
      return this;
    }

    /**
     * Sets how much the base delay grows from one retry to the next.
     *
     * @param multiplier between 1 and 100 ({@link #MAX_MULTIPLIER}); 1 keeps the delay constant
     * @return this builder
     * @throws IllegalArgumentException if the multiplier is outside that range or not a number
     */
    public Builder multiplier(double multiplier) {
      if (!(multiplier >= 1.0 && multiplier <= MAX_MULTIPLIER)) {
        throw new IllegalArgumentException("multiplier must be between 1 and " + MAX_MULTIPLIER + ", but was "
            + multiplier);
      }
      this.multiplier = multiplier;
      return this;
    }

    /**
     * Sets the longest delay between two attempts.
     *
     * @param maxBackoff between 1 ms and 1 day, and at least the initial backoff (checked at {@link
     *     #build()})
     * @return this builder
     * @throws IllegalArgumentException if the backoff is outside that range
     */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = Validation.durationBetween("maxBackoff", maxBackoff, MIN_BACKOFF, MAX_BACKOFF, false);
      return this;
    }

    /**
     * Sets the largest share of each base delay that jitter may take off: each delay lies in {@code (base ×
     * (1 − jitter), base]}.
     *
     * @param jitter between 0 (no jitter) and 1 (full jitter)
     * @return this builder
     * @throws IllegalArgumentException if {@code jitter} is outside that range or not a number
     */
    public Builder jitter(double jitter) {
      if (!(jitter >= 0.0 && jitter <= 1.0)) {
        throw new IllegalArgumentException("jitter must be between 0 and 1, but was " + jitter);
      }
      this.jitter = jitter;
      return this;
    }

    /**
     * Sets the overall deadline, from the start of the first attempt: no attempt starts at or after it.
     *
     * @param deadline between 1 ms and 7 days ({@link #MAX_DEADLINE})
     * @return this builder
     * @throws IllegalArgumentException if the deadline is outside that range
     */
    public Builder deadline(Duration deadline) {
      this.deadline = Validation.durationBetween("deadline", deadline, MIN_BACKOFF, MAX_DEADLINE, false);
      return this;
    }

    /**
     * Builds the policy.
     *
     * @return an immutable policy
     * @throws IllegalStateException if {@code maxBackoff} is shorter than {@code initialBackoff}
     */
    public RetryPolicy build() {
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalStateException("maxBackoff must be at least initialBackoff, but maxBackoff was "
            + Validation.seconds(maxBackoff) + " and initialBackoff " + Validation.seconds(initialBackoff));
      }
      return new RetryPolicy(this);
    }
  }
}
