package io.github.iothubcommands.emulator.internal.auth;

import io.github.iothubcommands.engine.DeviceInfo;
import io.github.iothubcommands.engine.HubObserver;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Tells the front doors when a device's keys or status change, so that a connection authorized with the old
 * ones can end what it authorized. An engine observer; thread-safe. Deletion needs no telling: the engine
 * ends the device's session, and a device created again has another generation ({@link DeviceCredential}).
 */
public final class CredentialWatch implements HubObserver {
  private final ConcurrentMap<String, Set<Runnable>> watchers = new ConcurrentHashMap<>();

  /**
   * Runs {@code onChange} (on the engine caller's thread: keep it quick) whenever the device's keys or status
   * change, until the returned handle is closed.
   *
   * @param deviceId the device
   * @param onChange what to do then
   * @return closing it stops the watch
   */
  public AutoCloseable watch(String deviceId, Runnable onChange) {
    watchers.computeIfAbsent(deviceId, id -> ConcurrentHashMap.newKeySet()).add(onChange);
    return () -> watchers.computeIfPresent(deviceId, (id, set) -> {
      set.remove(onChange);
      return set.isEmpty() ? null : set;
    });
  }

  @Override
  public void deviceUpdated(DeviceInfo device) {
    Set<Runnable> set = watchers.get(device.deviceId());
    if (set != null) {
      set.forEach(Runnable::run);
    }
  }
}
