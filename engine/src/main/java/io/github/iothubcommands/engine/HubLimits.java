package io.github.iothubcommands.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * The hub's limits, with IoT Hub's documented values as defaults. Immutable; {@link #ofDefaults()}, {@link
 * #custom()} or {@link #toBuilder()}.
 *
 * <pre>{@code
 * HubLimits limits = HubLimits.custom()
 *     .queueDepth(8)
 *     .feedbackBatchInterval(Duration.ofSeconds(1))
 *     .build();
 * }</pre>
 *
 * <p>A final class rather than a record, so that limits can be added without breaking callers: there is no
 * public constructor, only the builder.
 */
public final class HubLimits {
  /** Cloud-to-device messages a device queue holds, locked ones included: {@value}. */
  public static final int DEFAULT_QUEUE_DEPTH = 50;
  /** Cloud-to-device message size, payload and properties: {@value} bytes (64 KB). */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
  /** Longest time-to-live the hub keeps: 2 days. */
  public static final Duration DEFAULT_MAX_TIME_TO_LIVE = Duration.ofDays(2);
  /** How long a received message stays locked: 1 minute. */
  public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofMinutes(1);
  /** Deliveries of one message before it is dead-lettered: {@value}. */
  public static final int DEFAULT_MAX_DELIVERY_COUNT = 10;
  /** Records per feedback batch: {@value}. */
  public static final int DEFAULT_FEEDBACK_BATCH_SIZE = 64;
  /** Longest a feedback record waits for its batch to fill: 15 seconds. */
  public static final Duration DEFAULT_FEEDBACK_BATCH_INTERVAL = Duration.ofSeconds(15);
  /** Direct method request and response payload: {@value} bytes (128 KB). */
  public static final int DEFAULT_MAX_METHOD_PAYLOAD_BYTES = 128 * 1024;
  /** Longest direct method connect timeout the hub accepts: 300 seconds (the shortest is 0). */
  public static final Duration DEFAULT_MAX_CONNECT_TIMEOUT = Duration.ofSeconds(300);
  /** Shortest direct method response timeout the hub accepts: 5 seconds. */
  public static final Duration DEFAULT_MIN_RESPONSE_TIMEOUT = Duration.ofSeconds(5);
  /** Longest direct method response timeout the hub accepts: 300 seconds. */
  public static final Duration DEFAULT_MAX_RESPONSE_TIMEOUT = Duration.ofSeconds(300);

  /** IoT Hub's defaults. */
  public static final HubLimits DEFAULTS = new Builder().build();

  private final int queueDepth;
  private final int maxMessageBytes;
  private final Duration maxTimeToLive;
  private final Duration lockTimeout;
  private final int maxDeliveryCount;
  private final int feedbackBatchSize;
  private final Duration feedbackBatchInterval;
  private final int maxMethodPayloadBytes;
  private final Duration maxConnectTimeout;
  private final Duration minResponseTimeout;
  private final Duration maxResponseTimeout;

  private HubLimits(Builder b) {
    queueDepth = b.queueDepth;
    maxMessageBytes = b.maxMessageBytes;
    maxTimeToLive = b.maxTimeToLive;
    lockTimeout = b.lockTimeout;
    maxDeliveryCount = b.maxDeliveryCount;
    feedbackBatchSize = b.feedbackBatchSize;
    feedbackBatchInterval = b.feedbackBatchInterval;
    maxMethodPayloadBytes = b.maxMethodPayloadBytes;
    maxConnectTimeout = b.maxConnectTimeout;
    minResponseTimeout = b.minResponseTimeout;
    maxResponseTimeout = b.maxResponseTimeout;
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
    return new Builder();
  }

  /**
   * Returns a builder holding these limits.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Returns how many cloud-to-device messages a device queue holds, locked ones included; the next is
   * refused with {@code QUEUE_DEPTH_EXCEEDED} (403004).
   *
   * @return the queue depth ({@value #DEFAULT_QUEUE_DEPTH})
   */
  public int queueDepth() {
    return queueDepth;
  }

  /**
   * Returns the largest cloud-to-device message, payload and properties, in bytes.
   *
   * @return the size limit ({@value #DEFAULT_MAX_MESSAGE_BYTES})
   */
  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /**
   * Returns the longest expiry the hub keeps; later expiries are cut to it.
   *
   * @return the maximum time-to-live (2 days)
   */
  public Duration maxTimeToLive() {
    return maxTimeToLive;
  }

  /**
   * Returns how long a received message stays locked before it returns to the queue.
   *
   * @return the lock timeout (1 minute)
   */
  public Duration lockTimeout() {
    return lockTimeout;
  }

  /**
   * Returns how many times one message is delivered before it is dead-lettered with {@code
   * DeliveryCountExceeded} feedback.
   *
   * @return the maximum delivery count ({@value #DEFAULT_MAX_DELIVERY_COUNT})
   */
  public int maxDeliveryCount() {
    return maxDeliveryCount;
  }

  /**
   * Returns how many records a feedback batch holds at most.
   *
   * @return the batch size ({@value #DEFAULT_FEEDBACK_BATCH_SIZE})
   */
  public int feedbackBatchSize() {
    return feedbackBatchSize;
  }

  /**
   * Returns the longest a feedback record waits for its batch to fill.
   *
   * @return the batch interval (15 seconds)
   */
  public Duration feedbackBatchInterval() {
    return feedbackBatchInterval;
  }

  /**
   * Returns the largest direct method request or response payload, in bytes.
   *
   * @return the payload limit ({@value #DEFAULT_MAX_METHOD_PAYLOAD_BYTES})
   */
  public int maxMethodPayloadBytes() {
    return maxMethodPayloadBytes;
  }

  /**
   * Returns the longest direct method connect timeout the hub accepts; the shortest is zero. A call outside
   * the range is refused with {@code BAD_REQUEST}.
   *
   * @return the maximum connect timeout (300 seconds)
   */
  public Duration maxConnectTimeout() {
    return maxConnectTimeout;
  }

  /**
   * Returns the shortest direct method response timeout the hub accepts.
   *
   * @return the minimum response timeout (5 seconds)
   */
  public Duration minResponseTimeout() {
    return minResponseTimeout;
  }

  /**
   * Returns the longest direct method response timeout the hub accepts.
   *
   * @return the maximum response timeout (300 seconds)
   */
  public Duration maxResponseTimeout() {
    return maxResponseTimeout;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HubLimits l && queueDepth == l.queueDepth && maxMessageBytes == l.maxMessageBytes
        && maxTimeToLive.equals(l.maxTimeToLive) && lockTimeout.equals(l.lockTimeout)
        && maxDeliveryCount == l.maxDeliveryCount && feedbackBatchSize == l.feedbackBatchSize
        && feedbackBatchInterval.equals(l.feedbackBatchInterval) && maxMethodPayloadBytes == l.maxMethodPayloadBytes
        && maxConnectTimeout.equals(l.maxConnectTimeout) && minResponseTimeout.equals(l.minResponseTimeout)
        && maxResponseTimeout.equals(l.maxResponseTimeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(queueDepth, maxMessageBytes, maxTimeToLive, lockTimeout, maxDeliveryCount,
        feedbackBatchSize, feedbackBatchInterval, maxMethodPayloadBytes, maxConnectTimeout, minResponseTimeout,
        maxResponseTimeout);
  }

  @Override
  public String toString() {
    return "HubLimits{queueDepth=" + queueDepth + ", maxMessageBytes=" + maxMessageBytes
        + ", maxTimeToLive=" + maxTimeToLive + ", lockTimeout=" + lockTimeout
        + ", maxDeliveryCount=" + maxDeliveryCount + ", feedbackBatchSize=" + feedbackBatchSize
        + ", feedbackBatchInterval=" + feedbackBatchInterval + ", maxMethodPayloadBytes=" + maxMethodPayloadBytes
        + ", maxConnectTimeout=" + maxConnectTimeout + ", responseTimeout=" + minResponseTimeout + ".."
        + maxResponseTimeout + '}';
  }

  /** Builds {@link HubLimits}. Each setter validates its value at once; {@link #build()} checks combinations. */
  public static final class Builder {
    private int queueDepth = DEFAULT_QUEUE_DEPTH;
    private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
    private Duration maxTimeToLive = DEFAULT_MAX_TIME_TO_LIVE;
    private Duration lockTimeout = DEFAULT_LOCK_TIMEOUT;
    private int maxDeliveryCount = DEFAULT_MAX_DELIVERY_COUNT;
    private int feedbackBatchSize = DEFAULT_FEEDBACK_BATCH_SIZE;
    private Duration feedbackBatchInterval = DEFAULT_FEEDBACK_BATCH_INTERVAL;
    private int maxMethodPayloadBytes = DEFAULT_MAX_METHOD_PAYLOAD_BYTES;
    private Duration maxConnectTimeout = DEFAULT_MAX_CONNECT_TIMEOUT;
    private Duration minResponseTimeout = DEFAULT_MIN_RESPONSE_TIMEOUT;
    private Duration maxResponseTimeout = DEFAULT_MAX_RESPONSE_TIMEOUT;

    private Builder() {}

    private Builder(HubLimits l) {
      queueDepth = l.queueDepth;
      maxMessageBytes = l.maxMessageBytes;
      maxTimeToLive = l.maxTimeToLive;
      lockTimeout = l.lockTimeout;
      maxDeliveryCount = l.maxDeliveryCount;
      feedbackBatchSize = l.feedbackBatchSize;
      feedbackBatchInterval = l.feedbackBatchInterval;
      maxMethodPayloadBytes = l.maxMethodPayloadBytes;
      maxConnectTimeout = l.maxConnectTimeout;
      minResponseTimeout = l.minResponseTimeout;
      maxResponseTimeout = l.maxResponseTimeout;
    }

    /**
     * Sets how many messages a device queue holds.
     *
     * @param v messages per device queue, default {@value #DEFAULT_QUEUE_DEPTH}
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is not positive
     */
    public Builder queueDepth(int v) {
      queueDepth = positive("queueDepth", v);
      return this;
    }

    /**
     * Sets the largest cloud-to-device message.
     *
     * @param v bytes per message, payload and properties, default {@value #DEFAULT_MAX_MESSAGE_BYTES}
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is not positive
     */
    public Builder maxMessageBytes(int v) {
      maxMessageBytes = positive("maxMessageBytes", v);
      return this;
    }

    /**
     * Sets the longest time-to-live.
     *
     * @param v the maximum time-to-live, default 2 days
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is not positive
     */
    public Builder maxTimeToLive(Duration v) {
      maxTimeToLive = positive("maxTimeToLive", v);
      return this;
    }

    /**
     * Sets the receive lock duration.
     *
     * @param v how long a delivered message stays locked, default 1 minute
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is not positive
     */
    public Builder lockTimeout(Duration v) {
      lockTimeout = positive("lockTimeout", v);
      return this;
    }

    /**
     * Sets how many deliveries a message gets before it is dead-lettered.
     *
     * @param v deliveries, default {@value #DEFAULT_MAX_DELIVERY_COUNT}
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is not positive
     */
    public Builder maxDeliveryCount(int v) {
      maxDeliveryCount = positive("maxDeliveryCount", v);
      return this;
    }

    /**
     * Sets how many records fill a feedback batch.
     *
     * @param v records per batch, default {@value #DEFAULT_FEEDBACK_BATCH_SIZE}
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is not positive
     */
    public Builder feedbackBatchSize(int v) {
      feedbackBatchSize = positive("feedbackBatchSize", v);
      return this;
    }

    /**
     * Sets the longest wait for a feedback batch to fill.
     *
     * @param v the interval, default 15 seconds
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is not positive
     */
    public Builder feedbackBatchInterval(Duration v) {
      feedbackBatchInterval = positive("feedbackBatchInterval", v);
      return this;
    }

    /**
     * Sets the largest direct method payload, request and response.
     *
     * @param v bytes, default {@value #DEFAULT_MAX_METHOD_PAYLOAD_BYTES}
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is not positive
     */
    public Builder maxMethodPayloadBytes(int v) {
      maxMethodPayloadBytes = positive("maxMethodPayloadBytes", v);
      return this;
    }

    /**
     * Sets the longest direct method connect timeout the hub accepts.
     *
     * @param v the maximum, default 300 seconds
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is negative
     */
    public Builder maxConnectTimeout(Duration v) {
      Objects.requireNonNull(v, "maxConnectTimeout");
      if (v.isNegative()) {
        throw new IllegalArgumentException("maxConnectTimeout must not be negative, but was " + v);
      }
      maxConnectTimeout = v;
      return this;
    }

    /**
     * Sets the shortest direct method response timeout the hub accepts.
     *
     * @param v the minimum, default 5 seconds
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is not positive
     */
    public Builder minResponseTimeout(Duration v) {
      minResponseTimeout = positive("minResponseTimeout", v);
      return this;
    }

    /**
     * Sets the longest direct method response timeout the hub accepts.
     *
     * @param v the maximum, default 300 seconds
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is not positive
     */
    public Builder maxResponseTimeout(Duration v) {
      maxResponseTimeout = positive("maxResponseTimeout", v);
      return this;
    }

    /**
     * Builds the limits.
     *
     * @return the limits
     * @throws IllegalStateException if {@code minResponseTimeout} is longer than {@code maxResponseTimeout}
     */
    public HubLimits build() {
      if (minResponseTimeout.compareTo(maxResponseTimeout) > 0) {
        throw new IllegalStateException("minResponseTimeout (" + minResponseTimeout
            + ") must not be longer than maxResponseTimeout (" + maxResponseTimeout + ")");
      }
      return new HubLimits(this);
    }

    private static int positive(String field, int value) {
      if (value <= 0) {
        throw new IllegalArgumentException(field + " must be positive, but was " + value);
      }
      return value;
    }

    private static Duration positive(String field, Duration value) {
      Objects.requireNonNull(value, field);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(field + " must be positive, but was " + value);
      }
      return value;
    }
  }
}
