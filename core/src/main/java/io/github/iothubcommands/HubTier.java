package io.github.iothubcommands;

/**
 * IoT Hub's pricing tiers that offer cloud-to-device messages and direct methods, with their throttles per
 * unit as the quotas page ("IoT Hub quotas and throttling") lists them. This is the library's one copy of
 * that table: {@link HubQuota} turns a tier and its units into rates for a fan-out, and the hub engine's
 * {@code HubLimits.Builder.tier(HubTier, int)} throttles the fake hub and the emulator with it.
 *
 * <table>
 *   <caption>Throttles per unit</caption>
 *   <tr><th>tier</th><th>cloud-to-device sends</th><th>direct methods</th><th>units</th></tr>
 *   <tr><td>F1</td><td>100/min (1.67/s)</td><td>160 KB/s</td><td>exactly 1</td></tr>
 *   <tr><td>S1</td><td>100/min (1.67/s)</td><td>160 KB/s</td><td>1 to 200</td></tr>
 *   <tr><td>S2</td><td>100/min (1.67/s)</td><td>480 KB/s</td><td>1 to 200</td></tr>
 *   <tr><td>S3</td><td>5,000/min (83.33/s)</td><td>24 MB/s</td><td>1 to 200</td></tr>
 * </table>
 *
 * <p>The free tier shares S1's column of the quotas table. Direct method traffic is metered on the request
 * payload in chunks of {@link HubQuota#METHOD_METER_BYTES} bytes, so a small call costs one meter: 40 calls/s
 * per S1 unit. The basic tiers (B1–B3) are not listed: they have neither cloud-to-device messages nor direct
 * methods.
 */
public enum HubTier {
  /** Free: one unit, S1's throttles. */
  F1(100, 160 * 1024, 1),
  /** Standard S1. */
  S1(100, 160 * 1024, 200),
  /** Standard S2. */
  S2(100, 480 * 1024, 200),
  /** Standard S3. */
  S3(5_000, 24 * 1024 * 1024, 200);

  private final int cloudToDeviceSendsPerMinute;
  private final long methodBytesPerSecond;
  private final int maxUnits;

  HubTier(int cloudToDeviceSendsPerMinute, long methodBytesPerSecond, int maxUnits) {
    this.cloudToDeviceSendsPerMinute = cloudToDeviceSendsPerMinute;
    this.methodBytesPerSecond = methodBytesPerSecond;
    this.maxUnits = maxUnits;
  }

  /**
   * Returns the cloud-to-device sends one unit allows per minute.
   *
   * @return sends per minute per unit (100, or 5,000 on S3)
   */
  public int cloudToDeviceSendsPerMinute() {
    return cloudToDeviceSendsPerMinute;
  }

  /**
   * Returns the direct method request bytes one unit allows per second.
   *
   * @return bytes per second per unit (160 KB, 480 KB or 24 MB, with KB = 1024 bytes)
   */
  public long methodBytesPerSecond() {
    return methodBytesPerSecond;
  }

  /**
   * Returns how many units a hub of this tier can have.
   *
   * @return 1 for {@link #F1}, else 200
   */
  public int maxUnits() {
    return maxUnits;
  }
}
