package io.github.iothubcommands.engine;

import io.github.iothubcommands.HubQuota;
import io.github.iothubcommands.HubTier;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

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
 * <h2>Throttling</h2>
 *
 * <p>{@link #ofDefaults()} does not throttle, so bursty tests keep working. {@link Builder#tier(HubTier, int)}
 * turns on IoT Hub's quotas for cloud-to-device sends and for direct method traffic, as token buckets on the
 * engine's time source: each refills at the tier's rate × units and holds {@link #throttleBurst()} worth of
 * that rate (one minute by default, since the hub applies its throttles "in minute ranges" and lets bursts
 * through for a while before it answers 429). A request past the quota is refused with {@code THROTTLED}
 * (429001) and has no effect. {@link Builder#cloudToDeviceSendsPerSecond(double)} and {@link
 * Builder#methodBytesPerSecond(long)} override one rate, with or without a tier.
 *
 * <pre>{@code
 * HubLimits s1 = HubLimits.custom().tier(HubTier.S1, 2).build(); // 200 C2D sends/min, 320 KB/s of methods
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
  /** Deliveries of one feedback batch before the hub drops it: {@value}. */
  public static final int DEFAULT_MAX_FEEDBACK_DELIVERY_COUNT = 10;
  /** How long feedback waits in the hub's feedback queue for a receiver before it expires: 1 hour. */
  public static final Duration DEFAULT_FEEDBACK_TIME_TO_LIVE = Duration.ofHours(1);
  /** The longest feedback time-to-live IoT Hub allows: 48 hours. */
  public static final Duration MAX_FEEDBACK_TIME_TO_LIVE = Duration.ofHours(48);
  /** Direct method request and response payload: {@value} bytes (128 KB). */
  public static final int DEFAULT_MAX_METHOD_PAYLOAD_BYTES = 128 * 1024;
  /** Longest direct method connect timeout the hub accepts: 300 seconds (the shortest is 0). */
  public static final Duration DEFAULT_MAX_CONNECT_TIMEOUT = Duration.ofSeconds(300);
  /** Shortest direct method response timeout the hub accepts: 5 seconds. */
  public static final Duration DEFAULT_MIN_RESPONSE_TIMEOUT = Duration.ofSeconds(5);
  /** Longest direct method response timeout the hub accepts: 300 seconds. */
  public static final Duration DEFAULT_MAX_RESPONSE_TIMEOUT = Duration.ofSeconds(300);

  /**
   * Direct method traffic is metered on the request payload in chunks of {@value} bytes (4 KB): {@link
   * HubQuota#METHOD_METER_BYTES}.
   */
  public static final int DEFAULT_METHOD_METER_BYTES = HubQuota.METHOD_METER_BYTES;
  /** How much traffic above the rate a throttle lets through at once: one minute's worth of its rate. */
  public static final Duration DEFAULT_THROTTLE_BURST = Duration.ofMinutes(1);

  /** IoT Hub's defaults, unthrottled. */
  public static final HubLimits DEFAULTS = new Builder().build();

  private final int queueDepth;
  private final int maxMessageBytes;
  private final Duration maxTimeToLive;
  private final Duration lockTimeout;
  private final int maxDeliveryCount;
  private final int feedbackBatchSize;
  private final Duration feedbackBatchInterval;
  private final int maxFeedbackDeliveryCount;
  private final Duration feedbackTimeToLive;
  private final int maxMethodPayloadBytes;
  private final Duration maxConnectTimeout;
  private final Duration minResponseTimeout;
  private final Duration maxResponseTimeout;
  private final @Nullable HubTier tier;
  private final int units;
  private final @Nullable Double cloudToDeviceSendsPerSecond;
  private final @Nullable Long methodBytesPerSecond;
  private final int methodMeterBytes;
  private final Duration throttleBurst;

  private HubLimits(Builder b) {
    queueDepth = b.queueDepth;
    maxMessageBytes = b.maxMessageBytes;
    maxTimeToLive = b.maxTimeToLive;
    lockTimeout = b.lockTimeout;
    maxDeliveryCount = b.maxDeliveryCount;
    feedbackBatchSize = b.feedbackBatchSize;
    feedbackBatchInterval = b.feedbackBatchInterval;
    maxFeedbackDeliveryCount = b.maxFeedbackDeliveryCount;
    feedbackTimeToLive = b.feedbackTimeToLive;
    maxMethodPayloadBytes = b.maxMethodPayloadBytes;
    maxConnectTimeout = b.maxConnectTimeout;
    minResponseTimeout = b.minResponseTimeout;
    maxResponseTimeout = b.maxResponseTimeout;
    tier = b.tier;
    units = b.units;
    cloudToDeviceSendsPerSecond = b.cloudToDeviceSendsPerSecond;
    methodBytesPerSecond = b.methodBytesPerSecond;
    methodMeterBytes = b.methodMeterBytes;
    throttleBurst = b.throttleBurst;
  }

  /**
   * Returns IoT Hub's defaults: the documented limits, and no throttling.
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
   * Returns how many times one feedback batch is delivered: a batch whose receiver fails it (its stage
   * completes exceptionally, or it throws) goes to the next receiver, and after this many deliveries it is
   * dropped with a warning, as the hub's feedback queue dead-letters it.
   *
   * @return the maximum feedback delivery count ({@value #DEFAULT_MAX_FEEDBACK_DELIVERY_COUNT})
   */
  public int maxFeedbackDeliveryCount() {
    return maxFeedbackDeliveryCount;
  }

  /**
   * Returns how long a feedback batch waits in the feedback queue for a receiver before it expires and is
   * dropped, as the hub's feedback queue's time-to-live does; so feedback nobody receives never piles up.
   *
   * @return the feedback time-to-live (1 hour)
   */
  public Duration feedbackTimeToLive() {
    return feedbackTimeToLive;
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

  /**
   * Returns the tier whose throttles apply.
   *
   * @return the tier, or empty when none was set (the default)
   */
  public Optional<HubTier> tier() {
    return Optional.ofNullable(tier);
  }

  /**
   * Returns the tier's units.
   *
   * @return 1 to 200 with a tier, 0 without
   */
  public int units() {
    return units;
  }

  /**
   * Returns the hub-wide rate of cloud-to-device sends: the override if one was set, else the tier's sends
   * per minute × units / 60.
   *
   * @return sends per second, or empty when cloud-to-device sends are not throttled
   */
  public OptionalDouble cloudToDeviceSendsPerSecond() {
    if (cloudToDeviceSendsPerSecond != null) {
      return OptionalDouble.of(cloudToDeviceSendsPerSecond);
    }
    return quota().map(q -> OptionalDouble.of(q.cloudToDeviceSendsPerSecond())).orElse(OptionalDouble.empty());
  }

  /**
   * Returns the hub-wide rate of direct method traffic, in request payload bytes metered by {@link
   * #methodMeterBytes()}: the override if one was set, else the tier's bytes per second × units.
   *
   * @return bytes per second, or empty when direct methods are not throttled
   */
  public OptionalLong methodBytesPerSecond() {
    if (methodBytesPerSecond != null) {
      return OptionalLong.of(methodBytesPerSecond);
    }
    return quota().map(q -> OptionalLong.of(q.methodBytesPerSecond())).orElse(OptionalLong.empty());
  }

  /**
   * Returns the tier's quota, the figures its throttles start from (before any rate override): the same
   * {@link HubQuota} a fan-out paces itself with.
   *
   * @return the tier and units, or empty when no tier was set
   */
  public Optional<HubQuota> quota() {
    HubTier t = tier;
    return t == null ? Optional.empty() : Optional.of(HubQuota.of(t, units));
  }

  /**
   * Returns the meter of direct method traffic: a call costs its request payload rounded up to a multiple of
   * this, and at least one meter (a 5 KB payload costs 8 KB with the default).
   *
   * @return bytes per meter ({@value #DEFAULT_METHOD_METER_BYTES})
   */
  public int methodMeterBytes() {
    return methodMeterBytes;
  }

  /**
   * Returns how much traffic above the rate each throttle lets through at once, as the time its rate takes
   * to earn it: a bucket holds rate × this and starts full. With the default, an S1 hub of one unit takes
   * 100 cloud-to-device sends at once, then 1.67 per second.
   *
   * @return the burst (one minute)
   */
  public Duration throttleBurst() {
    return throttleBurst;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HubLimits l && queueDepth == l.queueDepth && maxMessageBytes == l.maxMessageBytes
        && maxTimeToLive.equals(l.maxTimeToLive) && lockTimeout.equals(l.lockTimeout)
        && maxDeliveryCount == l.maxDeliveryCount && feedbackBatchSize == l.feedbackBatchSize
        && feedbackBatchInterval.equals(l.feedbackBatchInterval) && maxFeedbackDeliveryCount == l.maxFeedbackDeliveryCount
        && feedbackTimeToLive.equals(l.feedbackTimeToLive)
        && maxMethodPayloadBytes == l.maxMethodPayloadBytes
        && maxConnectTimeout.equals(l.maxConnectTimeout) && minResponseTimeout.equals(l.minResponseTimeout)
        && maxResponseTimeout.equals(l.maxResponseTimeout) && tier == l.tier && units == l.units
        && Objects.equals(cloudToDeviceSendsPerSecond, l.cloudToDeviceSendsPerSecond)
        && Objects.equals(methodBytesPerSecond, l.methodBytesPerSecond) && methodMeterBytes == l.methodMeterBytes
        && throttleBurst.equals(l.throttleBurst);
  }

  @Override
  public int hashCode() {
    return Objects.hash(queueDepth, maxMessageBytes, maxTimeToLive, lockTimeout, maxDeliveryCount,
        feedbackBatchSize, feedbackBatchInterval, maxFeedbackDeliveryCount, feedbackTimeToLive, maxMethodPayloadBytes, maxConnectTimeout, minResponseTimeout,
        maxResponseTimeout, tier, units, cloudToDeviceSendsPerSecond, methodBytesPerSecond, methodMeterBytes,
        throttleBurst);
  }

  @Override
  public String toString() {
    return "HubLimits{queueDepth=" + queueDepth + ", maxMessageBytes=" + maxMessageBytes
        + ", maxTimeToLive=" + maxTimeToLive + ", lockTimeout=" + lockTimeout
        + ", maxDeliveryCount=" + maxDeliveryCount + ", feedbackBatchSize=" + feedbackBatchSize
        + ", feedbackBatchInterval=" + feedbackBatchInterval + ", maxFeedbackDeliveryCount=" + maxFeedbackDeliveryCount
        + ", feedbackTimeToLive=" + feedbackTimeToLive
        + ", maxMethodPayloadBytes=" + maxMethodPayloadBytes
        + ", maxConnectTimeout=" + maxConnectTimeout + ", responseTimeout=" + minResponseTimeout + ".."
        + maxResponseTimeout + ", tier=" + (tier == null ? "none" : tier + " x " + units)
        + ", cloudToDeviceSendsPerSecond=" + cloudToDeviceSendsPerSecond() + ", methodBytesPerSecond="
        + methodBytesPerSecond() + ", methodMeterBytes=" + methodMeterBytes + ", throttleBurst=" + throttleBurst + '}';
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
    private int maxFeedbackDeliveryCount = DEFAULT_MAX_FEEDBACK_DELIVERY_COUNT;
    private Duration feedbackTimeToLive = DEFAULT_FEEDBACK_TIME_TO_LIVE;
    private int maxMethodPayloadBytes = DEFAULT_MAX_METHOD_PAYLOAD_BYTES;
    private Duration maxConnectTimeout = DEFAULT_MAX_CONNECT_TIMEOUT;
    private Duration minResponseTimeout = DEFAULT_MIN_RESPONSE_TIMEOUT;
    private Duration maxResponseTimeout = DEFAULT_MAX_RESPONSE_TIMEOUT;
    private @Nullable HubTier tier;
    private int units;
    private @Nullable Double cloudToDeviceSendsPerSecond;
    private @Nullable Long methodBytesPerSecond;
    private int methodMeterBytes = DEFAULT_METHOD_METER_BYTES;
    private Duration throttleBurst = DEFAULT_THROTTLE_BURST;

    private Builder() {}

    private Builder(HubLimits l) {
      queueDepth = l.queueDepth;
      maxMessageBytes = l.maxMessageBytes;
      maxTimeToLive = l.maxTimeToLive;
      lockTimeout = l.lockTimeout;
      maxDeliveryCount = l.maxDeliveryCount;
      feedbackBatchSize = l.feedbackBatchSize;
      feedbackBatchInterval = l.feedbackBatchInterval;
      maxFeedbackDeliveryCount = l.maxFeedbackDeliveryCount;
      feedbackTimeToLive = l.feedbackTimeToLive;
      maxMethodPayloadBytes = l.maxMethodPayloadBytes;
      maxConnectTimeout = l.maxConnectTimeout;
      minResponseTimeout = l.minResponseTimeout;
      maxResponseTimeout = l.maxResponseTimeout;
      tier = l.tier;
      units = l.units;
      cloudToDeviceSendsPerSecond = l.cloudToDeviceSendsPerSecond;
      methodBytesPerSecond = l.methodBytesPerSecond;
      methodMeterBytes = l.methodMeterBytes;
      throttleBurst = l.throttleBurst;
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
     * Sets how many times a feedback batch is delivered before it is dropped.
     *
     * @param v deliveries, default {@value #DEFAULT_MAX_FEEDBACK_DELIVERY_COUNT}
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is not positive
     */
    public Builder maxFeedbackDeliveryCount(int v) {
      maxFeedbackDeliveryCount = positive("maxFeedbackDeliveryCount", v);
      return this;
    }

    /**
     * Sets how long feedback waits for a receiver before it expires.
     *
     * @param v from 1 second to {@link #MAX_FEEDBACK_TIME_TO_LIVE} (48 hours); default 1 hour
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is outside that range
     */
    public Builder feedbackTimeToLive(Duration v) {
      Duration ttl = positive("feedbackTimeToLive", v);
      if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(MAX_FEEDBACK_TIME_TO_LIVE) > 0) {
        throw new IllegalArgumentException("feedbackTimeToLive must be between 1 s and 48 h, but was " + ttl);
      }
      feedbackTimeToLive = ttl;
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
     * Throttles cloud-to-device sends and direct methods at a tier's quotas. A rate set with {@link
     * #cloudToDeviceSendsPerSecond(double)} or {@link #methodBytesPerSecond(long)} still overrides the tier's,
     * whichever is called first.
     *
     * @param tier the tier
     * @param units 1 to {@link HubTier#maxUnits()}: exactly 1 for {@link HubTier#F1}, 1 to 200 otherwise
     * @return this builder
     * @throws IllegalArgumentException if {@code tier} is null or {@code units} is outside that range (the
     *     rule of {@link HubQuota#of(HubTier, int)})
     */
    public Builder tier(HubTier tier, int units) {
      HubQuota.of(tier, units); // one rule for tiers and units, in core
      this.tier = tier;
      this.units = units;
      return this;
    }

    /**
     * Turns throttling off: no tier, no rate overrides (the default).
     *
     * @return this builder
     */
    public Builder unthrottled() {
      tier = null;
      units = 0;
      cloudToDeviceSendsPerSecond = null;
      methodBytesPerSecond = null;
      return this;
    }

    /**
     * Throttles cloud-to-device sends at this hub-wide rate, instead of the tier's.
     *
     * @param perSecond sends per second, positive and finite (a tier gives 100/60 per unit, 5,000/60 on S3)
     * @return this builder
     * @throws IllegalArgumentException if {@code perSecond} is not positive or not finite
     */
    public Builder cloudToDeviceSendsPerSecond(double perSecond) {
      if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
        throw new IllegalArgumentException("cloudToDeviceSendsPerSecond must be positive and finite, but was "
            + perSecond);
      }
      cloudToDeviceSendsPerSecond = perSecond;
      return this;
    }

    /**
     * Throttles direct method traffic at this hub-wide rate of metered request bytes, instead of the tier's.
     *
     * @param perSecond bytes per second, positive (a tier gives 160 KB, 480 KB or 24 MB per unit)
     * @return this builder
     * @throws IllegalArgumentException if {@code perSecond} is not positive
     */
    public Builder methodBytesPerSecond(long perSecond) {
      methodBytesPerSecond = positive("methodBytesPerSecond", perSecond);
      return this;
    }

    /**
     * Sets the meter of direct method traffic.
     *
     * @param bytes bytes per meter, default {@value #DEFAULT_METHOD_METER_BYTES}
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is not positive
     */
    public Builder methodMeterBytes(int bytes) {
      methodMeterBytes = positive("methodMeterBytes", bytes);
      return this;
    }

    /**
     * Sets how much traffic above the rate each throttle lets through at once, as the time its rate takes to
     * earn it.
     *
     * @param burst the burst, default one minute
     * @return this builder
     * @throws IllegalArgumentException if {@code burst} is not positive
     */
    public Builder throttleBurst(Duration burst) {
      throttleBurst = positive("throttleBurst", burst);
      return this;
    }

    /**
     * Builds the limits.
     *
     * @return the limits
     * @throws IllegalStateException if {@code minResponseTimeout} is longer than {@code maxResponseTimeout}, or
     *     a throttle's rate × {@code throttleBurst} holds less than one cloud-to-device send or one method meter
     */
    public HubLimits build() {
      if (minResponseTimeout.compareTo(maxResponseTimeout) > 0) {
        throw new IllegalStateException("minResponseTimeout (" + minResponseTimeout
            + ") must not be longer than maxResponseTimeout (" + maxResponseTimeout + ")");
      }
      HubLimits limits = new HubLimits(this);
      double burst = TokenBucket.seconds(throttleBurst);
      limits.cloudToDeviceSendsPerSecond().ifPresent(rate -> {
        if (rate * burst < 1) {
          throw new IllegalStateException("cloudToDeviceSendsPerSecond (" + rate + ") x throttleBurst ("
              + throttleBurst + ") must allow at least one send");
        }
      });
      limits.methodBytesPerSecond().ifPresent(rate -> {
        if (rate * burst < methodMeterBytes) {
          throw new IllegalStateException("methodBytesPerSecond (" + rate + ") x throttleBurst (" + throttleBurst
              + ") must allow at least one methodMeterBytes (" + methodMeterBytes + ")");
        }
      });
      return limits;
    }

    private static int positive(String field, int value) {
      return (int) positive(field, (long) value);
    }

    private static long positive(String field, long value) {
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
