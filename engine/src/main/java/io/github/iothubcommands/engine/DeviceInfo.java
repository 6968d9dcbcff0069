package io.github.iothubcommands.engine;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A registered device as the registry reports it.
 *
 * @param deviceId the device id
 * @param generationId changes each time a device with this id is created
 * @param etag changes on every update of the registration
 * @param primaryKey the primary symmetric key (base64), or {@code null} if none
 * @param secondaryKey the secondary symmetric key (base64), or {@code null} if none
 * @param enabled whether the device may connect (IoT Hub's status {@code enabled}; {@code disabled} if not)
 * @param connected whether a session is open
 * @param cloudToDeviceMessageCount messages in the device's queue, locked ones included
 */
public record DeviceInfo(
    String deviceId,
    String generationId,
    String etag,
    @Nullable String primaryKey,
    @Nullable String secondaryKey,
    boolean enabled,
    boolean connected,
    int cloudToDeviceMessageCount) {

  /** Checks for nulls. */
  public DeviceInfo {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(generationId, "generationId");
    Objects.requireNonNull(etag, "etag");
  }

  /**
   * Returns the primary key, if any.
   *
   * @return the primary key
   */
  public Optional<String> primaryKeyIfSet() {
    return Optional.ofNullable(primaryKey);
  }

  /** Never prints the keys. */
  @Override
  public String toString() {
    return "DeviceInfo{deviceId=" + deviceId + ", generationId=" + generationId + ", enabled=" + enabled
        + ", connected=" + connected
        + ", cloudToDeviceMessageCount=" + cloudToDeviceMessageCount + '}';
  }
}
