package io.github.iothubcommands.emulator;

import io.github.iothubcommands.HubException;
import io.github.iothubcommands.emulator.internal.AdminOperations;
import io.github.iothubcommands.engine.DeviceInfo;
import io.github.iothubcommands.engine.HubCounts;
import io.github.iothubcommands.engine.HubFaults;
import io.github.iothubcommands.engine.HubOperation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The emulator's runtime admin surface for tests, reached by {@link IotHubEmulator#admin()}: purge a device's
 * queue, cut a device's connections as a lost network would, read or advance the engine's clock, inject
 * faults (throttling, lost feedback), and read what the hub saw.
 *
 * <p>The same operations are served over HTTPS on the service front door under {@value #PATH_PREFIX},
 * authorized with the service policy like the registry (docs/emulator.md, "Admin surface"); both check their
 * input with the same rules. Thread-safe.
 *
 * <pre>{@code
 * try (IotHubEmulator hub = IotHubEmulator.builder().devices("d1").virtualTime().start()) {
 *   hub.admin().throttleNext(HubOperation.CLOUD_TO_DEVICE_SEND, 1); // the next send answers 429
 *   hub.admin().advanceClock(Duration.ofMinutes(5));                // TTLs and timeouts fall due
 *   HubCounts seen = hub.admin().counts();
 * }
 * }</pre>
 */
public final class EmulatorAdmin {
  /** Where the HTTPS admin routes live on the service front door. */
  public static final String PATH_PREFIX = "/admin";
  /** Most calls or records one fault may count. */
  public static final int MAX_FAULT_COUNT = AdminOperations.MAX_FAULT_COUNT;
  /** Longest throttle by duration: one day. */
  public static final Duration MAX_THROTTLE_DURATION = AdminOperations.MAX_THROTTLE_DURATION;
  /** Longest single clock advance: seven days. */
  public static final Duration MAX_CLOCK_ADVANCE = AdminOperations.MAX_CLOCK_ADVANCE;
  /** How long {@link #disconnectDevice} waits for the connections to close. */
  public static final Duration DISCONNECT_TIMEOUT = AdminOperations.DISCONNECT_TIMEOUT;

  private final AdminOperations ops;

  EmulatorAdmin(AdminOperations ops) {
    this.ops = ops;
  }

  /**
   * Removes every message from a device's queue, the locked one included, with {@code Purged} feedback under
   * each message's acknowledgement mode.
   *
   * @param deviceId the device
   * @return how many messages were purged
   * @throws IllegalArgumentException if the id breaks IoT Hub's device id rule
   * @throws HubException {@code DEVICE_NOT_FOUND} if no such device is registered
   */
  public int purgeQueue(String deviceId) {
    return ops.purge(deviceId);
  }

  /**
   * Forces a device offline as a lost network would: every front-door connection carrying it (MQTT, or the
   * AMQPS connection its links are on) is reset, without an MQTT or AMQP goodbye and without a TLS
   * close_notify. The device's SDK sees the connection drop and reconnects by itself; when this returns, the
   * engine has seen the device offline (until it reconnects). An AMQPS connection that carries other devices
   * too drops them as well, as a network would.
   *
   * @param deviceId the device
   * @return how many connections were cut (0 if the device was not connected)
   * @throws IllegalArgumentException if the id breaks IoT Hub's device id rule
   * @throws HubException {@code DEVICE_NOT_FOUND} if no such device is registered
   * @throws IllegalStateException if the connections did not close within {@link #DISCONNECT_TIMEOUT}, or if
   *     called on the emulator's event loop thread of one of them (an engine callback)
   */
  public int disconnectDevice(String deviceId) {
    return ops.disconnectAndWait(deviceId);
  }

  /**
   * Reads the engine's clock: the wall clock, or the virtual clock the emulator was built with ({@link
   * IotHubEmulator.Builder#virtualTime()}).
   *
   * @return the engine's now
   */
  public Instant clock() {
    return ops.now();
  }

  /** @return {@code true} if the engine runs on virtual time, which {@link #advanceClock} moves */
  public boolean isClockVirtual() {
    return ops.isVirtual();
  }

  /**
   * Moves the engine's virtual clock forward and runs everything that falls due by then, in order: message
   * expiries (with their feedback), lock expiries, feedback batches, method timeouts, injected throttles
   * ending. Service and device SAS tokens are checked against this clock too.
   *
   * @param duration how far: from zero (run only what is already due) to {@link #MAX_CLOCK_ADVANCE}
   * @return the clock after the advance
   * @throws IllegalArgumentException if {@code duration} is negative or longer than {@link #MAX_CLOCK_ADVANCE}
   * @throws IllegalStateException if the emulator runs on the wall clock
   */
  public Instant advanceClock(Duration duration) {
    return ops.advance(duration);
  }

  /**
   * Refuses the next {@code count} calls of {@code operation} with 429 and error code 429001, as IoT Hub does
   * past its quota (the service SDK throws its throttling exception); refused calls are neither queued nor
   * dispatched. Replaces an earlier count for the operation.
   *
   * @param operation which calls: C2D sends or direct method invocations
   * @param count 1 to {@link #MAX_FAULT_COUNT}
   * @throws IllegalArgumentException if {@code count} is out of that range
   */
  public void throttleNext(HubOperation operation, int count) {
    ops.throttleNext(operation, count);
  }

  /**
   * Refuses every call of {@code operation} with 429 for {@code duration} of engine time (so a virtual clock
   * ends it only when advanced). Replaces an earlier duration for the operation.
   *
   * @param operation which calls
   * @param duration more than zero, at most {@link #MAX_THROTTLE_DURATION}
   * @throws IllegalArgumentException if {@code duration} is out of that range
   */
  public void throttleFor(HubOperation operation, Duration duration) {
    ops.throttleFor(operation, duration);
  }

  /**
   * Loses the next {@code count} feedback records the hub emits: no feedback receiver ever gets them.
   * Replaces an earlier count.
   *
   * @param count 1 to {@link #MAX_FAULT_COUNT}
   * @throws IllegalArgumentException if {@code count} is out of that range
   */
  public void dropNextFeedback(int count) {
    ops.dropNextFeedback(count);
  }

  /** @return the faults still armed */
  public HubFaults faults() {
    return ops.faults();
  }

  /** Disarms every injected fault. */
  public void clearFaults() {
    ops.clearFaults();
  }

  /** @return what the hub saw since it started (messages, methods, throttled calls, connections) */
  public HubCounts counts() {
    return ops.counts();
  }

  /**
   * Returns every registered device with its online state ({@link DeviceInfo#connected()}) and queue depth
   * ({@link DeviceInfo#cloudToDeviceMessageCount()}).
   *
   * @return the registrations, in registration order
   */
  public List<DeviceInfo> devices() {
    return ops.devices();
  }
}
