package io.github.iothubcommands.emulator.internal.auth;

import io.github.iothubcommands.engine.DeviceInfo;
import java.util.Optional;

/**
 * The identity a device token was checked against: the device's registration (its generation) and the key
 * that signed the token. What a front door authorized with it stands only while {@link #isCurrent} holds:
 * the device not deleted and created again, the key still one of its keys, the device enabled.
 * {@link #toString()} shows no key.
 *
 * @param deviceId the device
 * @param generationId the registration's generation when the token was checked
 * @param key the key that signed the token
 */
public record DeviceCredential(String deviceId, String generationId, String key) {

  /**
   * Whether the identity still stands.
   *
   * @param now the device's registration now, or empty if it is gone
   * @return {@code true} if it is the same registration, enabled, and still has the key
   */
  public boolean isCurrent(Optional<DeviceInfo> now) {
    return now.filter(d -> d.generationId().equals(generationId) && d.enabled()
        && (key.equals(d.primaryKey()) || key.equals(d.secondaryKey()))).isPresent();
  }

  @Override
  public String toString() {
    return "DeviceCredential{deviceId=" + deviceId + ", generationId=" + generationId + '}';
  }
}
