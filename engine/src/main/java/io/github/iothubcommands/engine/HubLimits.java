package io.github.iothubcommands.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * The hub's limits, with IoT Hub's documented values as defaults. Immutable; {@link #ofDefaults()} or
 * {@link #custom()}.
 *
 * @param queueDepth cloud-to-device messages a device queue holds, locked ones included (50)
 * @param maxMessageBytes cloud-to-device message size, payload and properties (64 KB)
 * @param maxTimeToLive longest expiry the hub keeps; later expiries are cut to it (2 days)
 * @param lockTimeout how long a received message stays locked before it returns to the queue (1 min)
 * @param maxDeliveryCount deliveries of one message before it is dead-lettered (10)
 * @param feedbackBatchSize records per feedback batch (64)
 * @param feedbackBatchInterval longest a record waits for its batch to fill (15 s)
 * @param maxMethodPayloadBytes direct method request and response payload (128 KB)
 */
public record HubLimits(
    int queueDepth,
    int maxMessageBytes,
    Duration maxTimeToLive,
    Duration lockTimeout,
    int maxDeliveryCount,
    int feedbackBatchSize,
    Duration feedbackBatchInterval,
    int maxMethodPayloadBytes) {

  /** IoT Hub's defaults. */
  public static final HubLimits DEFAULTS = new HubLimits(
      50, 64 * 1024, Duration.ofDays(2), Duration.ofMinutes(1), 10, 64, Duration.ofSeconds(15), 128 * 1024);

  /** Checks that every limit is positive. */
  public HubLimits {
    positive("queueDepth", queueDepth);
    positive("maxMessageBytes", maxMessageBytes);
    positive("maxTimeToLive", maxTimeToLive);
    positive("lockTimeout", lockTimeout);
    positive("maxDeliveryCount", maxDeliveryCount);
    positive("feedbackBatchSize", feedbackBatchSize);
    positive("feedbackBatchInterval", feedbackBatchInterval);
    positive("maxMethodPayloadBytes", maxMethodPayloadBytes);
  }

  /**
   * Returns IoT Hub's defaults.
   *
   * @return {@link #DEFAULTS}
   */
  public static HubLimits ofDefaults() {
    return DEFAULTS;
  }

  /**
   * Starts a builder holding the defaults.
   *
   * @return a builder
   */
  public static Builder custom() {
    return new Builder(DEFAULTS);
  }

  /**
   * Returns a builder holding these limits.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  private static void positive(String field, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + " must be positive, but was " + value);
    }
  }

  private static void positive(String field, Duration value) {
    Objects.requireNonNull(value, field);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(field + " must be positive, but was " + value);
    }
  }

  /** Builds {@link HubLimits}; {@link #build()} validates. */
  public static final class Builder {
    private int queueDepth;
    private int maxMessageBytes;
    private Duration maxTimeToLive;
    private Duration lockTimeout;
    private int maxDeliveryCount;
    private int feedbackBatchSize;
    private Duration feedbackBatchInterval;
    private int maxMethodPayloadBytes;

    private Builder(HubLimits l) {
      queueDepth = l.queueDepth;
      maxMessageBytes = l.maxMessageBytes;
      maxTimeToLive = l.maxTimeToLive;
      lockTimeout = l.lockTimeout;
      maxDeliveryCount = l.maxDeliveryCount;
      feedbackBatchSize = l.feedbackBatchSize;
      feedbackBatchInterval = l.feedbackBatchInterval;
      maxMethodPayloadBytes = l.maxMethodPayloadBytes;
    }

    /** @param v messages per device queue @return this builder */
    public Builder queueDepth(int v) {
      queueDepth = v;
      return this;
    }

    /** @param v bytes per cloud-to-device message @return this builder */
    public Builder maxMessageBytes(int v) {
      maxMessageBytes = v;
      return this;
    }

    /** @param v longest time-to-live @return this builder */
    public Builder maxTimeToLive(Duration v) {
      maxTimeToLive = v;
      return this;
    }

    /** @param v receive lock duration @return this builder */
    public Builder lockTimeout(Duration v) {
      lockTimeout = v;
      return this;
    }

    /** @param v deliveries before dead-lettering @return this builder */
    public Builder maxDeliveryCount(int v) {
      maxDeliveryCount = v;
      return this;
    }

    /** @param v records per feedback batch @return this builder */
    public Builder feedbackBatchSize(int v) {
      feedbackBatchSize = v;
      return this;
    }

    /** @param v longest wait for a batch to fill @return this builder */
    public Builder feedbackBatchInterval(Duration v) {
      feedbackBatchInterval = v;
      return this;
    }

    /** @param v bytes per method payload @return this builder */
    public Builder maxMethodPayloadBytes(int v) {
      maxMethodPayloadBytes = v;
      return this;
    }

    /**
     * Builds the limits.
     *
     * @return the limits
     * @throws IllegalArgumentException if a limit is not positive
     */
    public HubLimits build() {
      return new HubLimits(queueDepth, maxMessageBytes, maxTimeToLive, lockTimeout, maxDeliveryCount,
          feedbackBatchSize, feedbackBatchInterval, maxMethodPayloadBytes);
    }
  }
}
