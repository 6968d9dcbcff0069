package io.github.iothubcommands.engine;

import io.github.iothubcommands.HubError;
import io.github.iothubcommands.HubException;
import io.github.iothubcommands.MethodResponse;
import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.FeedbackReceiver;
import io.github.iothubcommands.spi.FeedbackSubscription;
import io.github.iothubcommands.spi.MethodInvocation;
import io.github.iothubcommands.spi.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * IoT Hub's behaviour, protocol-free: see the package documentation for the threading model and {@link
 * HubLimits} for the limits. Every timed behaviour runs on the injected {@link TimeSource}.
 *
 * <p>This class is the engine's facade; the registry, the cloud-to-device queues, feedback, direct methods
 * and device sessions are package-private collaborators sharing one lock.
 */
public final class HubEngine implements AutoCloseable {
  private final EngineState state;
  private final Registry registry;
  private final FeedbackQueue feedback;
  private final CloudToDeviceQueues queues;
  private final DirectMethods methods;
  private final Sessions sessions;

  /**
   * Creates an engine.
   *
   * @param limits the hub's limits
   * @param time where time comes from
   */
  public HubEngine(HubLimits limits, TimeSource time) {
    state = new EngineState(limits, time);
    registry = new Registry(state);
    feedback = new FeedbackQueue(state);
    Throttles throttles = new Throttles(state);
    queues = new CloudToDeviceQueues(state, registry, feedback, throttles);
    methods = new DirectMethods(state, registry, throttles);
    sessions = new Sessions(state, registry, queues, methods);
  }

  /** The engine's one lock, for tests that interleave a thread with the engine's critical sections. */
  Object lock() {
    return state.lock;
  }

  /**
   * Returns the limits.
   *
   * @return the limits
   */
  public HubLimits limits() {
    return state.limits;
  }

  /**
   * Returns the engine's time source.
   *
   * @return the time source
   */
  public TimeSource time() {
    return state.time;
  }

  /**
   * Adds an observer of what the hub sees.
   *
   * @param observer the observer
   */
  public void addObserver(HubObserver observer) {
    state.observers.add(observer);
  }

  // ---------------------------------------------------------------- registry

  /**
   * Registers a device, or returns the existing registration unchanged.
   *
   * @param deviceId the device id
   * @param primaryKey its primary symmetric key (base64), or {@code null}
   * @param secondaryKey its secondary symmetric key (base64), or {@code null}
   * @return the registration
   */
  public DeviceInfo registerDevice(String deviceId, @Nullable String primaryKey, @Nullable String secondaryKey) {
    return registry.register(deviceId, primaryKey, secondaryKey);
  }

  /**
   * Replaces a device's keys; observers hear of it ({@link HubObserver#deviceUpdated}).
   *
   * @param deviceId the device id
   * @param primaryKey the new primary key, or {@code null}
   * @param secondaryKey the new secondary key, or {@code null}
   * @return the updated registration
   * @throws HubException {@link HubError#DEVICE_NOT_FOUND} if no such device
   */
  public DeviceInfo updateDeviceKeys(String deviceId, @Nullable String primaryKey, @Nullable String secondaryKey) {
    DeviceInfo info = registry.updateKeys(deviceId, primaryKey, secondaryKey);
    tellUpdated(info);
    return info;
  }

  private void tellUpdated(DeviceInfo info) {
    for (HubObserver o : state.observers) {
      o.deviceUpdated(info);
    }
  }

  /**
   * Enables or disables a device. A disabled device cannot connect ({@link #connect} refuses it with {@link
   * HubError#UNAUTHORIZED}); disabling a connected device ends its session, as {@link #removeDevice} does,
   * but keeps its registration and its queue. The etag changes when the status does.
   *
   * @param deviceId the device id
   * @param enabled {@code true} to let it connect
   * @return the updated registration
   * @throws HubException {@link HubError#DEVICE_NOT_FOUND} if no such device
   */
  public DeviceInfo setDeviceEnabled(String deviceId, boolean enabled) {
    List<Runnable> out = new ArrayList<>();
    DeviceInfo info;
    boolean changed;
    synchronized (state.lock) {
      DeviceState d = registry.existing(deviceId);
      changed = d.enabled != enabled;
      if (registry.setEnabled(d, enabled)) {
        sessions.end(d, "device disabled", out);
      }
      info = d.info();
    }
    EngineState.run(out);
    if (changed) {
      tellUpdated(info);
    }
    return info;
  }

  /**
   * Returns a device's registration.
   *
   * @param deviceId the device id
   * @return the registration, or empty if no such device
   */
  public Optional<DeviceInfo> device(String deviceId) {
    return registry.info(deviceId);
  }

  /**
   * Returns every registration, in registration order.
   *
   * @return the registrations
   */
  public List<DeviceInfo> devices() {
    return registry.infos();
  }

  /**
   * Deletes a device: its session closes, its queue is dropped without feedback (as when IoT Hub deletes a
   * device), pending method calls fail with {@link HubError#DEVICE_NOT_FOUND}; observers hear of it ({@link
   * HubObserver#deviceRemoved}).
   *
   * @param deviceId the device id
   * @return {@code false} if there was no such device
   */
  public boolean removeDevice(String deviceId) {
    List<Runnable> out = new ArrayList<>();
    synchronized (state.lock) {
      DeviceState d = registry.remove(deviceId);
      if (d == null) {
        return false;
      }
      sessions.shutDown(d, "device deleted",
          HubException.of(HubError.DEVICE_NOT_FOUND, "device " + deviceId + " was deleted"), out);
    }
    EngineState.run(out);
    for (HubObserver o : state.observers) {
      o.deviceRemoved(deviceId);
    }
    return true;
  }

  // ---------------------------------------------------------------- service side: C2D

  /**
   * Queues a cloud-to-device message for its device; it is delivered when the device is connected and
   * subscribed, in FIFO order.
   *
   * <p>With a throttle set ({@link HubLimits#cloudToDeviceSendsPerSecond()}), a send past the quota is refused
   * with {@link HubError#THROTTLED} (error code 429001) and not queued. A send is metered once it is addressed
   * to a registered device and within the size limit, whether or not the queue then has room.
   *
   * @param message the message; an expiry past the maximum time-to-live is cut to it
   * @throws HubException {@link HubError#DEVICE_NOT_FOUND}, {@link HubError#MESSAGE_TOO_LARGE}, {@link
   *     HubError#THROTTLED}, {@link HubError#QUEUE_DEPTH_EXCEEDED}
   */
  public void enqueue(CloudToDeviceMessage message) {
    queues.enqueue(message);
  }

  /**
   * Removes every message from a device's queue, the locked one included, with {@code Purged} feedback
   * under the messages' acknowledgement modes.
   *
   * @param deviceId the device id
   * @return how many messages were purged
   * @throws HubException {@link HubError#DEVICE_NOT_FOUND} if no such device
   */
  public int purge(String deviceId) {
    return queues.purge(deviceId);
  }

  /**
   * Starts delivering feedback batches to {@code receiver}. With several receivers, each batch goes to one
   * of them, in turn (competing consumers); batches emitted while none was subscribed go to the first.
   *
   * <p>The feedback endpoint behaves as the hub's queue: a receiver gets its next batch only after the stage
   * it returned for the previous one completed. A stage that completes exceptionally, a receiver that throws
   * or returns {@code null}, abandons the batch: it goes back to the head of the queue and to the next free
   * receiver in turn, up to {@link HubLimits#maxFeedbackDeliveryCount()} deliveries, after which it is
   * dropped with a WARN log line. A stage that never completes holds its batch (the engine models no
   * feedback lock timeout).
   *
   * @param receiver receives batches, one at a time
   * @return closing it stops delivery to this receiver
   */
  public FeedbackSubscription subscribeFeedback(FeedbackReceiver receiver) {
    return feedback.subscribe(receiver);
  }

  /**
   * Sends the pending feedback batch now instead of at its size or interval.
   */
  public void flushFeedback() {
    feedback.flushNow();
  }

  // ---------------------------------------------------------------- service side: methods

  /**
   * Invokes a direct method. Completes with the device's reply, or exceptionally with {@link HubException}:
   * {@link HubError#DEVICE_NOT_FOUND}; {@link HubError#BAD_REQUEST} for timeouts out of range; {@link
   * HubError#MESSAGE_TOO_LARGE}; {@link HubError#DEVICE_NOT_ONLINE} if the device is not connected (and
   * subscribed to methods) within the connect timeout; {@link HubError#GATEWAY_TIMEOUT} if it does not
   * answer within the response timeout; {@link HubError#THROTTLED} (error code 429001) past the direct method
   * quota ({@link HubLimits#methodBytesPerSecond()}), and then the call never reaches the device. A call is
   * metered on its request payload once the checks before it pass.
   *
   * @param invocation the call
   * @return a future of the device's reply
   */
  public CompletableFuture<MethodResponse> invoke(MethodInvocation invocation) {
    return methods.invoke(invocation);
  }

  // ---------------------------------------------------------------- device side

  /**
   * Connects a device. A session the device already had is closed first (the hub keeps one connection per
   * device).
   *
   * @param deviceId the device id
   * @param endpoint receives what the hub sends the device
   * @return the new session
   * @throws HubException {@link HubError#DEVICE_NOT_FOUND} if no such device, {@link HubError#UNAUTHORIZED} if
   *     it is disabled
   */
  public DeviceSession connect(String deviceId, DeviceEndpoint endpoint) {
    return sessions.connect(deviceId, endpoint);
  }

  // ---------------------------------------------------------------- inspection and faults

  /**
   * Returns what the hub saw since it started: messages enqueued, delivered and how each ended, method calls
   * and their outcomes, throttled calls, connections. Counting is lock-free and always on.
   *
   * @return a snapshot of the counts
   */
  public HubCounts counts() {
    return state.counters.snapshot();
  }

  /**
   * Refuses the next {@code count} calls of {@code operation} with {@link HubError#THROTTLED} (429, error code
   * 429001), as the hub does past its quota; a refused call is not queued or dispatched. Replaces an earlier
   * count for the operation; zero clears it. Counted calls are those that pass the checks before the quota
   * (device registered, size within the limit).
   *
   * @param operation which calls
   * @param count how many, 0 or more
   * @throws IllegalArgumentException if {@code count} is negative
   */
  public void throttleNext(HubOperation operation, int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be 0 or more, but was " + count);
    }
    synchronized (state.lock) {
      state.faults.throttleNext(operation, count);
    }
  }

  /**
   * Refuses every call of {@code operation} with {@link HubError#THROTTLED} for {@code duration} of engine
   * time from now, as {@link #throttleNext} does. Replaces an earlier duration for the operation.
   *
   * @param operation which calls
   * @param duration how long, positive
   * @throws IllegalArgumentException if {@code duration} is zero or negative
   */
  public void throttleFor(HubOperation operation, Duration duration) {
    if (duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException("duration must be positive, but was " + duration);
    }
    synchronized (state.lock) {
      state.faults.throttleUntil(operation, state.time.now().plus(duration));
    }
  }

  /**
   * Drops the next {@code count} feedback records the hub would emit (of the statuses their messages'
   * acknowledgement modes ask for): no receiver ever gets them, as if the hub lost them. Replaces an earlier
   * count; zero clears it.
   *
   * @param count how many, 0 or more
   * @throws IllegalArgumentException if {@code count} is negative
   */
  public void dropNextFeedback(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be 0 or more, but was " + count);
    }
    synchronized (state.lock) {
      state.faults.dropFeedback(count);
    }
  }

  /**
   * Returns the faults still armed.
   *
   * @return a snapshot
   */
  public HubFaults faults() {
    synchronized (state.lock) {
      return state.faults.snapshot(state.time.now());
    }
  }

  /** Disarms every injected fault. */
  public void clearFaults() {
    synchronized (state.lock) {
      state.faults.clear();
    }
  }

  /**
   * Closes the engine: every session ends, queues are dropped, pending method calls fail with {@link
   * HubError#SERVER_ERROR}, and later requests are refused. Idempotent.
   */
  @Override
  public void close() {
    List<Runnable> out = new ArrayList<>();
    synchronized (state.lock) {
      if (state.isClosed()) {
        return;
      }
      state.markClosed();
      HubException failure = HubException.of(HubError.SERVER_ERROR, "hub closed");
      for (DeviceState d : registry.all()) {
        sessions.shutDown(d, "hub closed", failure, out);
      }
      feedback.close();
    }
    EngineState.run(out);
  }
}
