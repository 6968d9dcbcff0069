package io.github.iothubcommands.emulator.internal;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A device to register when the emulator starts: absent keys are generated. {@link #toString()} names no key.
 *
 * @param deviceId the device id, already checked ({@link DeviceRegistry#checkDeviceId})
 * @param primaryKey its primary key, already checked ({@link DeviceRegistry#checkKey}), or {@code null}
 * @param secondaryKey its secondary key, already checked, or {@code null}
 * @param enabled whether it may connect
 */
public record DeviceSeed(String deviceId, @Nullable String primaryKey, @Nullable String secondaryKey,
    boolean enabled) {
  /** Checks the id and the keys the way the registry does. */
  public DeviceSeed {
    DeviceRegistry.checkDeviceId(deviceId);
    if (primaryKey != null) {
      DeviceRegistry.checkKey("primaryKey", primaryKey);
    }
    if (secondaryKey != null) {
      DeviceRegistry.checkKey("secondaryKey", secondaryKey);
    }
  }

  /**
   * An enabled device with generated keys.
   *
   * @param deviceId the device id
   * @return the seed
   */
  public static DeviceSeed generated(String deviceId) {
    return new DeviceSeed(Objects.requireNonNull(deviceId, "deviceId"), null, null, true);
  }

  @Override
  public String toString() {
    return "DeviceSeed{" + deviceId + (primaryKey != null ? ", primaryKey given" : "")
        + (secondaryKey != null ? ", secondaryKey given" : "") + (enabled ? "" : ", disabled") + '}';
  }
}
