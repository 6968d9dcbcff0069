package io.github.iothubcommands.engine;

import io.github.iothubcommands.HubError;
import io.github.iothubcommands.HubException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The device registry: registrations in order, their keys, status and etag. */
final class Registry {
  private final EngineState state;
  private final Map<String, DeviceState> devices = new LinkedHashMap<>();

  Registry(EngineState state) {
    this.state = state;
  }

  DeviceInfo register(String deviceId, @Nullable String primaryKey, @Nullable String secondaryKey) {
    synchronized (state.lock) {
      DeviceState d = devices.computeIfAbsent(deviceId,
          id -> new DeviceState(id, "gen-" + state.nextId(), primaryKey, secondaryKey));
      return d.info();
    }
  }

  DeviceInfo updateKeys(String deviceId, @Nullable String primaryKey, @Nullable String secondaryKey) {
    synchronized (state.lock) {
      DeviceState d = existing(deviceId);
      d.primaryKey = primaryKey;
      d.secondaryKey = secondaryKey;
      d.etag++;
      return d.info();
    }
  }

  /** Lock held. Updates the status; returns whether a disabled device's session must end. */
  boolean setEnabled(DeviceState d, boolean enabled) {
    if (d.enabled != enabled) {
      d.enabled = enabled;
      d.etag++;
    }
    return !enabled && d.session != null;
  }

  Optional<DeviceInfo> info(String deviceId) {
    synchronized (state.lock) {
      DeviceState d = devices.get(deviceId);
      return d == null ? Optional.empty() : Optional.of(d.info());
    }
  }

  List<DeviceInfo> infos() {
    synchronized (state.lock) {
      return devices.values().stream().map(DeviceState::info).toList();
    }
  }

  /** Lock held. */
  @Nullable DeviceState find(String deviceId) {
    return devices.get(deviceId);
  }

  /** Lock held. */
  @Nullable DeviceState remove(String deviceId) {
    return devices.remove(deviceId);
  }

  /** Lock held: whether {@code d} is still registered (not deleted, not replaced by a new registration). */
  boolean isRegistered(DeviceState d) {
    return devices.get(d.id) == d;
  }

  /** Lock held. */
  List<DeviceState> all() {
    return new ArrayList<>(devices.values());
  }

  /** Lock held. */
  DeviceState existing(String deviceId) {
    DeviceState d = devices.get(deviceId);
    if (d == null) {
      throw notRegistered(deviceId);
    }
    return d;
  }

  static HubException notRegistered(String deviceId) {
    return HubException.of(HubError.DEVICE_NOT_FOUND, "device " + deviceId + " is not registered");
  }
}
