package io.github.iothubcommands.emulator.internal;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The protocol connections each device has open, across front doors (MQTT now, AMQP later), so the
 * registry can close them when it disables a device. Thread-safe.
 */
public final class DeviceConnections {
  private final Map<String, Set<Consumer<String>>> byDevice = new ConcurrentHashMap<>();

  /**
   * Records an open connection.
   *
   * @param deviceId the device
   * @param closer closes the connection, given the reason
   */
  public void add(String deviceId, Consumer<String> closer) {
    byDevice.computeIfAbsent(deviceId, id -> ConcurrentHashMap.newKeySet()).add(closer);
  }

  /**
   * Forgets a connection that closed.
   *
   * @param deviceId the device
   * @param closer the closer given to {@link #add}
   */
  public void remove(String deviceId, Consumer<String> closer) {
    byDevice.computeIfPresent(deviceId, (id, set) -> {
      set.remove(closer);
      return set.isEmpty() ? null : set;
    });
  }

  /**
   * Closes every connection of a device.
   *
   * @param deviceId the device
   * @param reason why, for the logs
   */
  public void closeAll(String deviceId, String reason) {
    Set<Consumer<String>> set = byDevice.get(deviceId);
    if (set != null) {
      for (Consumer<String> c : Set.copyOf(set)) {
        c.accept(reason);
      }
    }
  }
}
