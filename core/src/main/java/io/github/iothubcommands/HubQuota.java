package io.github.iothubcommands;

import io.github.iothubcommands.internal.Validation;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The throttles of one IoT hub: its {@link HubTier} and number of units, turned into rates. A fan-out paces
 * itself with one ({@link FanOut.Builder#rate(HubQuota)}); the hub engine throttles at the same figures.
 * Immutable.
 *
 * <pre>{@code
 * HubQuota quota = HubQuota.of(HubTier.S1, 10);
 * quota.cloudToDeviceSendsPerSecond();   // 16.67 (1,000 per minute)
 * quota.methodCallsPerSecond(200);       // 400 small calls (160 KB/s x 10 in 4 KB meters)
 * }</pre>
 */
public final class HubQuota {
  /** Direct method traffic is metered on the request payload in chunks of {@value} bytes (4 KB). */
  public static final int METHOD_METER_BYTES = 4 * 1024;

  private final HubTier tier;
  private final int units;

  private HubQuota(HubTier tier, int units) {
    this.tier = tier;
    this.units = units;
  }

  /**
   * Returns the quota of a hub of this tier and size.
   *
   * @param tier the tier
   * @param units 1 to {@link HubTier#maxUnits()}: exactly 1 for {@link HubTier#F1}, 1 to 200 otherwise
   * @return the quota
   * @throws IllegalArgumentException if {@code tier} is null or {@code units} is outside that range
   */
  public static HubQuota of(HubTier tier, int units) {
    Validation.notNull("tier", tier);
    if (tier.maxUnits() == 1 && units != 1) {
      throw new IllegalArgumentException("units must be 1 for " + tier + ", but was " + units);
    }
    if (units < 1 || units > tier.maxUnits()) {
      throw new IllegalArgumentException("units must be between 1 and " + tier.maxUnits() + " for " + tier
          + ", but was " + units);
    }
    return new HubQuota(tier, units);
  }

  /**
   * Returns how many meters of {@link #METHOD_METER_BYTES} a direct method call with this request payload
   * costs: its size rounded up to whole meters, and at least one.
   *
   * @param payloadBytes the request payload's size in bytes, 0 or more
   * @return the meters the call costs, at least 1
   * @throws IllegalArgumentException if {@code payloadBytes} is negative
   */
  public static int methodMeters(int payloadBytes) {
    if (payloadBytes < 0) {
      throw new IllegalArgumentException("payloadBytes must not be negative, but was " + payloadBytes);
    }
    return Math.max(1, (int) ((payloadBytes + (long) METHOD_METER_BYTES - 1) / METHOD_METER_BYTES));
  }

  /**
   * Returns the tier.
   *
   * @return the tier
   */
  public HubTier tier() {
    return tier;
  }

  /**
   * Returns the units.
   *
   * @return 1 to 200
   */
  public int units() {
    return units;
  }

  /**
   * Returns the hub-wide rate of cloud-to-device sends: the tier's sends per minute × units / 60.
   *
   * @return sends per second
   */
  public double cloudToDeviceSendsPerSecond() {
    return tier.cloudToDeviceSendsPerMinute() * (double) units / 60.0;
  }

  /**
   * Returns the hub-wide rate of direct method traffic in request payload bytes: the tier's bytes per
   * second × units.
   *
   * @return bytes per second
   */
  public long methodBytesPerSecond() {
    return tier.methodBytesPerSecond() * units;
  }

  /**
   * Returns how many direct method calls with this request payload the hub takes per second.
   *
   * @param payloadBytes the request payload's size in bytes, 0 or more
   * @return calls per second: {@link #methodBytesPerSecond()} / {@link #METHOD_METER_BYTES} / {@link
   *     #methodMeters(int) methodMeters(payloadBytes)}
   * @throws IllegalArgumentException if {@code payloadBytes} is negative
   */
  public double methodCallsPerSecond(int payloadBytes) {
    return (double) methodBytesPerSecond() / METHOD_METER_BYTES / methodMeters(payloadBytes);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof HubQuota q && tier == q.tier && units == q.units;
  }

  @Override
  public int hashCode() {
    return Objects.hash(tier, units);
  }

  @Override
  public String toString() {
    return tier + " x " + units;
  }
}
