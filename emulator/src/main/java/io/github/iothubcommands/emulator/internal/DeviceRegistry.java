package io.github.iothubcommands.emulator.internal;

import io.github.iothubcommands.DeviceId;
import io.github.iothubcommands.HubError;
import io.github.iothubcommands.HubException;
import io.github.iothubcommands.engine.DeviceInfo;
import io.github.iothubcommands.engine.HubEngine;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The registry as the HTTPS API exposes it: create, read, update and delete devices with IoT Hub's
 * preconditions (409 on a duplicate create, 412 on an etag mismatch). Identities, keys and the
 * enabled/disabled status live in the engine, which also ends the session of a device it disables or
 * deletes. Registry operations are serialized with one lock so check-then-act is atomic; the engine has its
 * own lock.
 */
public final class DeviceRegistry {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Shortest symmetric key IoT Hub accepts, in bytes. */
  public static final int MIN_KEY_BYTES = 16;
  /** Longest symmetric key IoT Hub accepts, in bytes. */
  public static final int MAX_KEY_BYTES = 64;

  private final HubEngine engine;
  private final Object lock = new Object();

  /**
   * Creates the registry view.
   *
   * @param engine holds the identities
   */
  public DeviceRegistry(HubEngine engine) {
    this.engine = engine;
  }

  /**
   * Returns a fresh 32-byte symmetric key, base64.
   *
   * @return a key
   */
  public static String newKey() {
    byte[] k = new byte[32];
    RANDOM.nextBytes(k);
    return Base64.getEncoder().encodeToString(k);
  }

  /**
   * Checks a device id against IoT Hub's rule ({@link DeviceId#requireValid}); every registration goes
   * through here, and the emulator's builder calls it to refuse a bad id before starting.
   *
   * @param deviceId the id
   * @return the id
   * @throws IllegalArgumentException naming the rule and the id if it breaks the rule; its cause says where
   */
  public static String checkDeviceId(String deviceId) {
    Objects.requireNonNull(deviceId, "deviceId");
    try {
      return DeviceId.requireValid(deviceId);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("deviceId must be 1 to " + DeviceId.MAX_LENGTH + " characters among"
          + " ASCII letters, digits and " + DeviceId.ALLOWED_PUNCTUATION + ", but was '" + deviceId + "'", e);
    }
  }

  /**
   * Checks a symmetric key the way IoT Hub does: base64 (RFC 4648, with padding) of 16 to 64 bytes. Every key
   * a registry request supplies goes through here, so that no authentication later has to compute an HMAC
   * with a key that cannot be one.
   *
   * @param field the key's field name, for the message
   * @param key the key
   * @return the key
   * @throws IllegalArgumentException naming the field and the rule, never the key
   */
  public static String checkKey(String field, String key) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(key);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + " must be base64 of " + MIN_KEY_BYTES + " to " + MAX_KEY_BYTES
          + " bytes, but is not base64");
    }
    if (raw.length < MIN_KEY_BYTES || raw.length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException(field + " must be base64 of " + MIN_KEY_BYTES + " to " + MAX_KEY_BYTES
          + " bytes, but was " + raw.length + " bytes");
    }
    return key;
  }

  /**
   * Registers a device with generated keys, or leaves an existing one unchanged.
   *
   * @param deviceId the device
   * @return the registration
   * @throws IllegalArgumentException if the id breaks IoT Hub's rule
   */
  public DeviceInfo register(String deviceId) {
    checkDeviceId(deviceId);
    synchronized (lock) {
      return engine.registerDevice(deviceId, newKey(), newKey());
    }
  }

  /**
   * Returns a device.
   *
   * @param deviceId the device
   * @return its registration, or empty
   */
  public Optional<DeviceInfo> get(String deviceId) {
    return engine.device(deviceId);
  }

  /**
   * Creates a device; absent keys are generated.
   *
   * @param deviceId the device
   * @param primaryKey its primary key, or {@code null}
   * @param secondaryKey its secondary key, or {@code null}
   * @param enabled whether it may connect
   * @return the registration
   * @throws IllegalArgumentException if the id breaks IoT Hub's rule, or a key given is not a key ({@link
   *     #checkKey})
   * @throws HubException {@link HubError#DEVICE_ALREADY_EXISTS} if it exists
   */
  public DeviceInfo create(String deviceId, @Nullable String primaryKey, @Nullable String secondaryKey,
      boolean enabled) {
    checkDeviceId(deviceId);
    checkKeys(primaryKey, secondaryKey);
    synchronized (lock) {
      if (engine.device(deviceId).isPresent()) {
        throw HubException.of(HubError.DEVICE_ALREADY_EXISTS, "A device with id " + deviceId + " is already registered");
      }
      DeviceInfo created = engine.registerDevice(deviceId, orNewKey(primaryKey), orNewKey(secondaryKey));
      return enabled ? created : engine.setDeviceEnabled(deviceId, false);
    }
  }

  /**
   * Updates a device: keys given replace the current ones; the etag changes.
   *
   * @param deviceId the device
   * @param primaryKey the new primary key, or {@code null} to keep it
   * @param secondaryKey the new secondary key, or {@code null} to keep it
   * @param enabled the new status, or {@code null} to keep it
   * @param ifMatch {@code *} or the etag the caller read
   * @return the updated registration
   * @throws IllegalArgumentException if a key given is not a key ({@link #checkKey})
   * @throws HubException {@link HubError#DEVICE_NOT_FOUND} if no such device, {@link HubError#PRECONDITION_FAILED} on an etag mismatch
   */
  public DeviceInfo update(String deviceId, @Nullable String primaryKey, @Nullable String secondaryKey,
      @Nullable Boolean enabled, String ifMatch) {
    checkKeys(primaryKey, secondaryKey);
    synchronized (lock) {
      DeviceInfo current = existing(deviceId);
      checkEtag(current, ifMatch);
      DeviceInfo updated = engine.updateDeviceKeys(deviceId,
          primaryKey != null ? primaryKey : current.primaryKey(),
          secondaryKey != null ? secondaryKey : current.secondaryKey());
      return enabled == null ? updated : engine.setDeviceEnabled(deviceId, enabled); // disabling disconnects
    }
  }

  /**
   * Deletes a device; the engine closes its session.
   *
   * @param deviceId the device
   * @param ifMatch {@code *}, the etag the caller read, or {@code null} (unconditional)
   * @throws HubException {@link HubError#DEVICE_NOT_FOUND} if no such device, {@link HubError#PRECONDITION_FAILED} on an etag mismatch
   */
  public void delete(String deviceId, @Nullable String ifMatch) {
    synchronized (lock) {
      DeviceInfo current = existing(deviceId);
      if (ifMatch != null) {
        checkEtag(current, ifMatch);
      }
      engine.removeDevice(deviceId); // closes its session
    }
  }

  private DeviceInfo existing(String deviceId) {
    return engine.device(deviceId).orElseThrow(
        () -> HubException.of(HubError.DEVICE_NOT_FOUND, "Device " + deviceId + " is not registered"));
  }

  private static void checkEtag(DeviceInfo current, String ifMatch) {
    if (!"*".equals(ifMatch) && !current.etag().equals(ifMatch)) {
      throw HubException.of(HubError.PRECONDITION_FAILED, "If-Match " + ifMatch + " does not match the etag "
          + current.etag() + " of device " + current.deviceId());
    }
  }

  private static void checkKeys(@Nullable String primaryKey, @Nullable String secondaryKey) {
    if (primaryKey != null && !primaryKey.isBlank()) {
      checkKey("primaryKey", primaryKey);
    }
    if (secondaryKey != null && !secondaryKey.isBlank()) {
      checkKey("secondaryKey", secondaryKey);
    }
  }

  private static String orNewKey(@Nullable String key) {
    return key == null || key.isBlank() ? newKey() : key;
  }
}
