package io.github.iothubcommands.emulator.internal;

import io.github.iothubcommands.HubError;
import io.github.iothubcommands.HubException;
import io.github.iothubcommands.engine.DeviceInfo;
import io.github.iothubcommands.engine.HubCounts;
import io.github.iothubcommands.engine.HubEngine;
import io.github.iothubcommands.engine.HubFaults;
import io.github.iothubcommands.engine.HubOperation;
import io.github.iothubcommands.engine.VirtualTime;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The admin operations behind both the Java API ({@code EmulatorAdmin}) and the HTTPS routes under {@code
 * /admin}: each validates its input with the same rule, whichever way it came. Thread-safe.
 */
public final class AdminOperations implements AutoCloseable {
  /** Most calls or records one fault may count. */
  public static final int MAX_FAULT_COUNT = 100_000;
  /** Longest throttle by duration. */
  public static final Duration MAX_THROTTLE_DURATION = Duration.ofDays(1);
  /** Longest single clock advance. */
  public static final Duration MAX_CLOCK_ADVANCE = Duration.ofDays(7);
  /** How long a disconnect may take to close a device's connections. */
  public static final Duration DISCONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final HubEngine engine;
  private final DeviceChannels channels;
  /**
   * The admin surface's one thread, started at first use and stopped at {@link #close()}: it runs HTTPS clock
   * advances off the event loops and ends disconnects that take longer than {@link #DISCONNECT_TIMEOUT}.
   */
  private final ScheduledExecutorService adminThread = Executors.newSingleThreadScheduledExecutor(
      new DefaultThreadFactory("emulator-admin", true));

  /**
   * Creates the operations over an emulator's engine and connections.
   *
   * @param engine the engine
   * @param channels the device connections
   */
  public AdminOperations(HubEngine engine, DeviceChannels channels) {
    this.engine = engine;
    this.channels = channels;
  }

  /**
   * Purges a device's queue.
   *
   * @param deviceId the device
   * @return how many messages were purged
   * @throws IllegalArgumentException if the id breaks IoT Hub's device id rule
   * @throws HubException {@code DEVICE_NOT_FOUND} if no such device
   */
  public int purge(String deviceId) {
    return engine.purge(DeviceRegistry.checkDeviceId(deviceId));
  }

  /**
   * Cuts every connection of a device ({@link DeviceChannels#cut}).
   *
   * @param deviceId the device
   * @return completes with how many connections were cut, once the engine saw each close; fails with a
   *     {@link TimeoutException} if that takes longer than {@link #DISCONNECT_TIMEOUT}
   * @throws IllegalArgumentException if the id breaks IoT Hub's device id rule
   * @throws HubException {@code DEVICE_NOT_FOUND} if no such device
   */
  public CompletableFuture<Integer> disconnect(String deviceId) {
    String id = DeviceRegistry.checkDeviceId(deviceId);
    if (engine.device(id).isEmpty()) {
      throw HubException.of(HubError.DEVICE_NOT_FOUND, "device " + id + " is not registered");
    }
    CompletableFuture<Integer> cut = channels.cut(id);
    ScheduledFuture<?> timer = adminThread.schedule(() -> cut.completeExceptionally(new TimeoutException(
        "the connections of device " + id + " did not close within " + DISCONNECT_TIMEOUT.toSeconds() + " s")),
        DISCONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    cut.whenComplete((n, err) -> timer.cancel(false));
    return cut;
  }

  /**
   * Cuts every connection of a device and waits until the engine saw each close.
   *
   * @param deviceId the device
   * @return how many connections were cut
   * @throws IllegalArgumentException if the id breaks IoT Hub's device id rule
   * @throws HubException {@code DEVICE_NOT_FOUND} if no such device
   * @throws IllegalStateException if called on the event loop of one of the device's connections, if the
   *     connections did not close within {@link #DISCONNECT_TIMEOUT}, or if interrupted
   */
  public int disconnectAndWait(String deviceId) {
    String id = DeviceRegistry.checkDeviceId(deviceId);
    if (channels.onLoopOf(id)) {
      throw new IllegalStateException("disconnecting device " + id + " waits for its connection's event loop,"
          + " which is the calling thread; call it from another thread");
    }
    try {
      return disconnect(id).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while disconnecting device " + id, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TimeoutException timeout) {
        throw new IllegalStateException(timeout.getMessage(), timeout);
      }
      throw new IllegalStateException("disconnecting device " + id + " failed", e.getCause());
    }
  }

  /** @return the engine clock's reading */
  public Instant now() {
    return engine.time().now();
  }

  /** @return whether the engine runs on virtual time, which {@link #advance} moves */
  public boolean isVirtual() {
    return engine.time() instanceof VirtualTime;
  }

  /**
   * Moves the engine's virtual clock forward, running what falls due.
   *
   * @param duration how far: 0 to {@link #MAX_CLOCK_ADVANCE}
   * @return the clock's reading after the advance
   * @throws IllegalArgumentException if {@code duration} is out of that range
   * @throws IllegalStateException if the engine runs on the wall clock
   */
  public Instant advance(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative() || duration.compareTo(MAX_CLOCK_ADVANCE) > 0) {
      throw new IllegalArgumentException("duration must be between 0 s and " + MAX_CLOCK_ADVANCE.toSeconds()
          + " s, but was " + duration.toSeconds() + " s");
    }
    if (!(engine.time() instanceof VirtualTime virtual)) {
      throw new IllegalStateException("the emulator's clock is the wall clock and cannot be advanced;"
          + " start the emulator with IotHubEmulator.builder().virtualTime() to control time");
    }
    virtual.advance(duration);
    return virtual.now();
  }

  /**
   * Advances the clock as {@link #advance} does, on the admin thread: what falls due runs there,
   * not on the caller's thread (an event loop must not run it). A wall clock is refused at once.
   *
   * @param duration how far: 0 to {@link #MAX_CLOCK_ADVANCE}
   * @return completes with the clock's reading after the advance
   * @throws IllegalArgumentException if {@code duration} is out of that range
   * @throws IllegalStateException if the engine runs on the wall clock
   */
  public CompletableFuture<Instant> advanceAsync(Duration duration) {
    if (!isVirtual()) {
      advance(duration); // throws: the wall clock cannot be advanced (or the duration is out of range)
    }
    return CompletableFuture.supplyAsync(() -> advance(duration), adminThread);
  }

  /** Stops the admin thread: an advance still running finishes, pending disconnect timeouts are dropped. */
  @Override
  public void close() {
    adminThread.shutdownNow();
  }

  /**
   * Throttles the next calls of an operation ({@link HubEngine#throttleNext}).
   *
   * @param operation which calls
   * @param count 1 to {@link #MAX_FAULT_COUNT}
   * @throws IllegalArgumentException if {@code count} is out of that range
   */
  public void throttleNext(HubOperation operation, int count) {
    engine.throttleNext(Objects.requireNonNull(operation, "operation"), checkCount(count));
  }

  /**
   * Throttles every call of an operation for a while of engine time ({@link HubEngine#throttleFor}).
   *
   * @param operation which calls
   * @param duration more than 0, at most {@link #MAX_THROTTLE_DURATION}
   * @throws IllegalArgumentException if {@code duration} is out of that range
   */
  public void throttleFor(HubOperation operation, Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_THROTTLE_DURATION) > 0) {
      throw new IllegalArgumentException("duration must be more than 0 s and at most "
          + MAX_THROTTLE_DURATION.toSeconds() + " s, but was " + duration);
    }
    engine.throttleFor(Objects.requireNonNull(operation, "operation"), duration);
  }

  /**
   * Drops the next feedback records ({@link HubEngine#dropNextFeedback}).
   *
   * @param count 1 to {@link #MAX_FAULT_COUNT}
   * @throws IllegalArgumentException if {@code count} is out of that range
   */
  public void dropNextFeedback(int count) {
    engine.dropNextFeedback(checkCount(count));
  }

  /** @return the armed faults */
  public HubFaults faults() {
    return engine.faults();
  }

  /** Disarms every fault. */
  public void clearFaults() {
    engine.clearFaults();
  }

  /** @return what the hub saw */
  public HubCounts counts() {
    return engine.counts();
  }

  /** @return every registration, with its online state and queue depth */
  public List<DeviceInfo> devices() {
    return engine.devices();
  }

  private static int checkCount(int count) {
    if (count < 1 || count > MAX_FAULT_COUNT) {
      throw new IllegalArgumentException("count must be between 1 and " + MAX_FAULT_COUNT + ", but was " + count);
    }
    return count;
  }
}
