package io.github.iothubcommands;

import io.github.iothubcommands.internal.Validation;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Deliver a command as a cloud-to-device message: queued by the hub, read by the device first-in
 * first-out, dropped at its expiry, its fate reported by feedback according to the {@link
 * Acknowledgement}. The message id is always set (to the command id), so feedback correlates.
 *
 * <pre>{@code
 * CloudToDevice c2d = CloudToDevice.custom()
 *     .timeToLive(Duration.ofMinutes(10))
 *     .acknowledgement(Acknowledgement.FULL)
 *     .build();
 * }</pre>
 *
 * <p><b>The command id on the wire</b> is both the message id and the {@value Command#ID_PROPERTY} property.
 *
 * <p><b>Retries.</b> With a {@link RetryPolicy} ({@link Builder#retry(RetryPolicy)}; default {@link
 * RetryPolicy#none()}) only the <em>send</em> is retried: a send the hub refused with a transient error
 * (throttled, 5xx) or that failed on the connection. A message the hub accepted is never sent again,
 * whatever its feedback says (rejected, expired …): the hub already delivered it or decided its fate.
 */
public final class CloudToDevice implements DeliveryStrategy {
  /** Default time-to-live: 1 hour, the hub's default. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(1);
  /** Maximum time-to-live the hub accepts: 2 days. */
  public static final Duration MAX_TTL = Duration.ofDays(2);
  /** Minimum time-to-live: 1 millisecond. */
  public static final Duration MIN_TTL = Duration.ofMillis(1);
  /** Default acknowledgement: {@link Acknowledgement#FULL}, so every outcome is reported. */
  public static final Acknowledgement DEFAULT_ACKNOWLEDGEMENT = Acknowledgement.FULL;
  /** Maximum message size the hub accepts, payload and properties together: 64 KB. */
  public static final int MAX_MESSAGE_BYTES = 64 * 1024;

  private static final CloudToDevice DEFAULTS = custom().build();

  private final Duration timeToLive;
  private final Acknowledgement acknowledgement;
  private final RetryPolicy retryPolicy;

  private CloudToDevice(Builder b) {
    this.timeToLive = b.timeToLive;
    this.acknowledgement = b.acknowledgement;
    this.retryPolicy = b.retryPolicy;
  }

  /**
   * Returns the strategy with every default.
   *
   * @return the default strategy
   */
  public static CloudToDevice ofDefaults() {
    return DEFAULTS;
  }

  /**
   * Starts a builder holding the defaults.
   *
   * @return a builder
   */
  public static Builder custom() {
    return new Builder();
  }

  /**
   * Returns a builder holding this strategy's values.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    return new Builder().timeToLive(timeToLive).acknowledgement(acknowledgement).retry(retryPolicy);
  }

  /**
   * Returns how long the message may wait in the device queue; the hub drops it after that.
   *
   * @return the time-to-live
   */
  public Duration timeToLive() {
    return timeToLive;
  }

  /**
   * Returns which feedback the hub sends.
   *
   * @return the acknowledgement mode
   */
  public Acknowledgement acknowledgement() {
    return acknowledgement;
  }

  /**
   * Returns when a refused or failed send is made again.
   *
   * @return the retry policy; {@link RetryPolicy#none()} unless set
   */
  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof CloudToDevice c
        && c.timeToLive.equals(timeToLive)
        && c.acknowledgement == acknowledgement
        && c.retryPolicy.equals(retryPolicy);
  }

  @Override
  public int hashCode() {
    return Objects.hash(timeToLive, acknowledgement, retryPolicy);
  }

  @Override
  public String toString() {
    return "CloudToDevice{timeToLive=" + Validation.seconds(timeToLive) + ", acknowledgement=" + acknowledgement
        + (retryPolicy.retries() ? ", retry=" + retryPolicy : "") + '}';
  }

  @Override
  public <R> R accept(Visitor<R> visitor) {
    return visitor.visitCloudToDevice(this);
  }

  /** Builds a {@link CloudToDevice}; each setter validates at once. */
  public static final class Builder {
    private Duration timeToLive = DEFAULT_TTL;
    private Acknowledgement acknowledgement = DEFAULT_ACKNOWLEDGEMENT;
    private RetryPolicy retryPolicy = RetryPolicy.none();

    private Builder() {}

    /**
     * Sets when a send the hub refused with a transient error, or that failed on the connection, is made
     * again. Each retry is a new message with the same id and a new expiry (now + time-to-live).
     *
     * @param retryPolicy the policy; {@link RetryPolicy#none()} (the default) for a single send
     * @return this builder
     * @throws IllegalArgumentException if {@code retryPolicy} is null
     */
    public Builder retry(RetryPolicy retryPolicy) {
      this.retryPolicy = Validation.notNull("retryPolicy", retryPolicy);
      return this;
    }

    /**
     * Sets how long the message may wait in the queue.
     *
     * @param timeToLive between 1 ms and 2 days ({@link #MIN_TTL}, {@link #MAX_TTL})
     * @return this builder
     * @throws IllegalArgumentException if the time-to-live is outside that range
     */
    public Builder timeToLive(Duration timeToLive) {
      this.timeToLive = Validation.durationBetween("timeToLive", timeToLive, MIN_TTL, MAX_TTL, false);
      return this;
    }

    /**
     * Sets which feedback the hub sends.
     *
     * @param acknowledgement the acknowledgement mode
     * @return this builder
     * @throws IllegalArgumentException if {@code acknowledgement} is null
     */
    public Builder acknowledgement(Acknowledgement acknowledgement) {
      this.acknowledgement = Validation.notNull("acknowledgement", acknowledgement);
      return this;
    }

    /**
     * Builds the strategy.
     *
     * @return an immutable strategy
     */
    public CloudToDevice build() {
      return new CloudToDevice(this);
    }
  }
}
