package io.github.iothubcommands.engine;

import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.HubError;
import io.github.iothubcommands.HubException;
import io.github.iothubcommands.MethodResponse;
import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.FeedbackReceiver;
import io.github.iothubcommands.spi.FeedbackRecord;
import io.github.iothubcommands.spi.FeedbackSubscription;
import io.github.iothubcommands.spi.FeedbackStatus;
import io.github.iothubcommands.spi.MethodInvocation;
import io.github.iothubcommands.spi.TimeSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IoT Hub's behaviour, protocol-free: see the package documentation for the threading model and {@link
 * HubLimits} for the limits. Every timed behaviour runs on the injected {@link TimeSource}.
 */
public final class HubEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HubEngine.class);
  private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(300);
  private static final Duration MIN_RESPONSE_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration MAX_RESPONSE_TIMEOUT = Duration.ofSeconds(300);

  private final HubLimits limits;
  private final TimeSource time;
  private final Object lock = new Object();
  private final Map<String, DeviceState> devices = new LinkedHashMap<>();
  private final List<HubObserver> observers = new CopyOnWriteArrayList<>();
  private final List<FeedbackConsumer> receivers = new ArrayList<>();
  /** Records emitted while no receiver was subscribed, in order. */
  private final Deque<List<FeedbackRecord>> undeliveredBatches = new ArrayDeque<>();
  private List<FeedbackRecord> pendingBatch = new ArrayList<>();
  private TimeSource.@Nullable Cancellable batchTimer;
  private int nextReceiver;
  private long counter;
  private boolean closed;

  /**
   * Creates an engine.
   *
   * @param limits the hub's limits
   * @param time where time comes from
   */
  public HubEngine(HubLimits limits, TimeSource time) {
    this.limits = limits;
    this.time = time;
  }

  /**
   * Returns the limits.
   *
   * @return the limits
   */
  public HubLimits limits() {
    return limits;
  }

  /**
   * Returns the engine's time source.
   *
   * @return the time source
   */
  public TimeSource time() {
    return time;
  }

  /**
   * Adds an observer of what the hub sees.
   *
   * @param observer the observer
   */
  public void addObserver(HubObserver observer) {
    observers.add(observer);
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
    synchronized (lock) {
      DeviceState d = devices.computeIfAbsent(deviceId,
          id -> new DeviceState(id, "gen-" + (++counter), primaryKey, secondaryKey));
      return d.info();
    }
  }

  /**
   * Replaces a device's keys.
   *
   * @param deviceId the device id
   * @param primaryKey the new primary key, or {@code null}
   * @param secondaryKey the new secondary key, or {@code null}
   * @return the updated registration
   * @throws HubException {@link HubError#DEVICE_NOT_FOUND} if no such device
   */
  public DeviceInfo updateDeviceKeys(String deviceId, @Nullable String primaryKey, @Nullable String secondaryKey) {
    synchronized (lock) {
      DeviceState d = existing(deviceId);
      d.primaryKey = primaryKey;
      d.secondaryKey = secondaryKey;
      d.etag++;
      return d.info();
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
    synchronized (lock) {
      DeviceState d = existing(deviceId);
      if (d.enabled != enabled) {
        d.enabled = enabled;
        d.etag++;
      }
      if (!enabled && d.session != null) {
        SessionImpl s = d.session;
        d.session = null;
        out.add(() -> s.endpoint.disconnected("device disabled"));
      }
      info = d.info();
    }
    run(out);
    return info;
  }

  /**
   * Returns a device's registration.
   *
   * @param deviceId the device id
   * @return the registration, or empty if no such device
   */
  public Optional<DeviceInfo> device(String deviceId) {
    synchronized (lock) {
      DeviceState d = devices.get(deviceId);
      return d == null ? Optional.empty() : Optional.of(d.info());
    }
  }

  /**
   * Returns every registration, in registration order.
   *
   * @return the registrations
   */
  public List<DeviceInfo> devices() {
    synchronized (lock) {
      return devices.values().stream().map(DeviceState::info).toList();
    }
  }

  /**
   * Deletes a device: its session closes, its queue is dropped without feedback (as when IoT Hub deletes a
   * device), pending method calls fail with {@link HubError#DEVICE_NOT_FOUND}.
   *
   * @param deviceId the device id
   * @return {@code false} if there was no such device
   */
  public boolean removeDevice(String deviceId) {
    List<Runnable> out = new ArrayList<>();
    synchronized (lock) {
      DeviceState d = devices.remove(deviceId);
      if (d == null) {
        return false;
      }
      shutDown(d, "device deleted",
          HubException.of(HubError.DEVICE_NOT_FOUND, "device " + deviceId + " was deleted"), out);
    }
    run(out);
    return true;
  }

  // ---------------------------------------------------------------- service side: C2D

  /**
   * Queues a cloud-to-device message for its device; it is delivered when the device is connected and
   * subscribed, in FIFO order.
   *
   * @param message the message; an expiry past the maximum time-to-live is cut to it
   * @throws HubException {@link HubError#DEVICE_NOT_FOUND}, {@link HubError#MESSAGE_TOO_LARGE}, {@link
   *     HubError#QUEUE_DEPTH_EXCEEDED}
   */
  public void enqueue(CloudToDeviceMessage message) {
    List<Runnable> out = new ArrayList<>();
    synchronized (lock) {
      checkOpen();
      DeviceState d = devices.get(message.deviceId());
      if (d == null) {
        throw HubException.of(HubError.DEVICE_NOT_FOUND, "device " + message.deviceId() + " is not registered");
      }
      if (message.size() > limits.maxMessageBytes()) {
        throw HubException.of(HubError.MESSAGE_TOO_LARGE, "message " + message.messageId() + " is "
            + message.size() + " bytes; the limit is " + limits.maxMessageBytes());
      }
      if (d.depth() >= limits.queueDepth()) {
        throw HubException.of(HubError.QUEUE_DEPTH_EXCEEDED, "device " + d.id + " already has "
            + d.depth() + " messages queued; the limit is " + limits.queueDepth());
      }
      Instant now = time.now();
      Instant latest = now.plus(limits.maxTimeToLive());
      Instant expiry = message.expiryTime().isAfter(latest) ? latest : message.expiryTime();
      QueuedMessage m = new QueuedMessage(message, now, expiry);
      d.queue.addLast(m);
      for (HubObserver o : observers) {
        out.add(() -> o.messageEnqueued(message));
      }
      m.expiryTimer = time.schedule(Duration.between(now, expiry), () -> onExpiry(d, m));
      deliverNext(d, out);
    }
    run(out);
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
    List<Runnable> out = new ArrayList<>();
    int count;
    synchronized (lock) {
      DeviceState d = existing(deviceId);
      List<QueuedMessage> all = d.allMessages();
      count = all.size();
      d.queue.clear();
      d.locked = null;
      for (QueuedMessage m : all) {
        m.cancelTimers();
        feedback(d, m, FeedbackStatus.PURGED, "Message purged from device queue", out);
      }
    }
    run(out);
    return count;
  }

  /**
   * Starts delivering feedback batches to {@code receiver}. With several receivers, each batch goes to one
   * of them, in turn (competing consumers); batches emitted while none was subscribed go to the first.
   *
   * @param receiver receives batches, one at a time
   * @return closing it stops delivery to this receiver
   */
  public FeedbackSubscription subscribeFeedback(FeedbackReceiver receiver) {
    FeedbackConsumer r = new FeedbackConsumer(receiver);
    List<Runnable> out = new ArrayList<>();
    synchronized (lock) {
      receivers.add(r);
      while (!undeliveredBatches.isEmpty()) {
        List<FeedbackRecord> batch = undeliveredBatches.pollFirst();
        out.add(() -> r.deliver(batch));
      }
    }
    run(out);
    return () -> {
      synchronized (lock) {
        receivers.remove(r);
      }
    };
  }

  /**
   * Sends the pending feedback batch now instead of at its size or interval.
   */
  public void flushFeedback() {
    List<Runnable> out = new ArrayList<>();
    synchronized (lock) {
      flush(out);
    }
    run(out);
  }

  // ---------------------------------------------------------------- service side: methods

  /**
   * Invokes a direct method. Completes with the device's reply, or exceptionally with {@link HubException}:
   * {@link HubError#DEVICE_NOT_FOUND}; {@link HubError#BAD_REQUEST} for timeouts out of range; {@link
   * HubError#MESSAGE_TOO_LARGE}; {@link HubError#DEVICE_NOT_ONLINE} if the device is not connected (and
   * subscribed to methods) within the connect timeout; {@link HubError#GATEWAY_TIMEOUT} if it does not
   * answer within the response timeout.
   *
   * @param invocation the call
   * @return a future of the device's reply
   */
  public CompletableFuture<MethodResponse> invoke(MethodInvocation invocation) {
    CompletableFuture<MethodResponse> result = new CompletableFuture<>();
    List<Runnable> out = new ArrayList<>();
    for (HubObserver o : observers) {
      out.add(() -> o.methodInvoked(invocation));
    }
    synchronized (lock) {
      HubException refusal = checkInvocation(invocation);
      if (refusal != null) {
        out.add(() -> result.completeExceptionally(refusal));
      } else {
        DeviceState d = devices.get(invocation.deviceId());
        PendingCall call = new PendingCall(invocation, result);
        if (d.acceptsMethods()) {
          dispatch(d, call, out);
        } else if (invocation.connectTimeout().isZero()) {
          out.add(() -> result.completeExceptionally(offline(d.id)));
        } else {
          d.waitingForConnect.add(call);
          call.timer = time.schedule(invocation.connectTimeout(), () -> onConnectTimeout(d, call));
        }
      }
    }
    run(out);
    return result;
  }

  private @Nullable HubException checkInvocation(MethodInvocation inv) {
    if (closed) {
      return HubException.of(HubError.SERVER_ERROR, "hub engine is closed");
    }
    if (!devices.containsKey(inv.deviceId())) {
      return HubException.of(HubError.DEVICE_NOT_FOUND, "device " + inv.deviceId() + " is not registered");
    }
    if (inv.connectTimeout().isNegative() || inv.connectTimeout().compareTo(MAX_CONNECT_TIMEOUT) > 0) {
      return HubException.of(HubError.BAD_REQUEST, "connectTimeoutInSeconds must be between 0 and 300, but was "
          + inv.connectTimeout().toSeconds());
    }
    if (inv.responseTimeout().compareTo(MIN_RESPONSE_TIMEOUT) < 0
        || inv.responseTimeout().compareTo(MAX_RESPONSE_TIMEOUT) > 0) {
      return HubException.of(HubError.BAD_REQUEST, "responseTimeoutInSeconds must be between 5 and 300, but was "
          + inv.responseTimeout().toSeconds());
    }
    int size = inv.payloadJson().getBytes(StandardCharsets.UTF_8).length;
    if (size > limits.maxMethodPayloadBytes()) {
      return HubException.of(HubError.MESSAGE_TOO_LARGE, "method payload is " + size + " bytes; the limit is "
          + limits.maxMethodPayloadBytes());
    }
    return null;
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
    List<Runnable> out = new ArrayList<>();
    SessionImpl session;
    synchronized (lock) {
      checkOpen();
      DeviceState d = existing(deviceId);
      if (!d.enabled) {
        throw HubException.of(HubError.UNAUTHORIZED, "device " + deviceId + " is disabled");
      }
      if (d.session != null) {
        SessionImpl old = d.session;
        out.add(() -> old.endpoint.disconnected("the device connected again"));
      }
      session = new SessionImpl(d, endpoint);
      d.session = session;
    }
    run(out);
    return session;
  }

  @Override
  public void close() {
    List<Runnable> out = new ArrayList<>();
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      HubException failure = HubException.of(HubError.SERVER_ERROR, "hub closed");
      for (DeviceState d : devices.values()) {
        shutDown(d, "hub closed", failure, out);
      }
      if (batchTimer != null) {
        batchTimer.cancel();
      }
    }
    run(out);
  }

  // ---------------------------------------------------------------- internals (lock held unless noted)

  /** Ends a device's activity: its session closes, its timers stop, its queue empties, its calls fail. */
  private void shutDown(DeviceState d, String reason, HubException failure, List<Runnable> out) {
    if (d.session != null) {
      SessionImpl s = d.session;
      d.session = null;
      out.add(() -> s.endpoint.disconnected(reason));
    }
    for (QueuedMessage m : d.allMessages()) {
      m.cancelTimers();
    }
    d.queue.clear();
    d.locked = null;
    for (PendingCall c : d.allCalls()) {
      c.cancelTimer();
      out.add(() -> c.result.completeExceptionally(failure));
    }
    d.waitingForConnect.clear();
    d.awaitingResponse.clear();
  }

  private void deliverNext(DeviceState d, List<Runnable> out) {
    SessionImpl s = d.session;
    if (s == null || !s.messagesSubscribed || d.locked != null) {
      return;
    }
    Instant now = time.now();
    while (!d.queue.isEmpty()) {
      QueuedMessage m = d.queue.pollFirst();
      if (!now.isBefore(m.expiry)) {
        m.cancelTimers();
        feedback(d, m, FeedbackStatus.EXPIRED, "Message expired", out);
        continue;
      }
      m.deliveryCount++;
      m.lockToken = "lock-" + (++counter);
      d.locked = m;
      String token = m.lockToken;
      m.lockTimer = time.schedule(limits.lockTimeout(), () -> settle(d, token, Settlement.LOCK_EXPIRED));
      DeliveredMessage delivered = new DeliveredMessage(m.message, token, m.deliveryCount, m.enqueuedTime);
      for (HubObserver o : observers) {
        out.add(() -> o.messageDelivered(d.id, delivered));
      }
      out.add(() -> s.endpoint.deliverMessage(delivered));
      return;
    }
  }

  private enum Settlement { COMPLETE, ABANDON, REJECT, LOCK_EXPIRED }

  /** Not under the lock: settles the locked message if the token still matches. */
  private boolean settle(DeviceState d, String lockToken, Settlement how) {
    List<Runnable> out = new ArrayList<>();
    synchronized (lock) {
      QueuedMessage m = d.locked;
      if (m == null || !lockToken.equals(m.lockToken) || devices.get(d.id) != d) {
        return false;
      }
      d.locked = null;
      if (m.lockTimer != null) {
        m.lockTimer.cancel();
        m.lockTimer = null;
      }
      switch (how) {
        case COMPLETE -> {
          m.cancelTimers();
          feedback(d, m, FeedbackStatus.SUCCESS, "Success", out); // the hub's own description
        }
        case REJECT -> {
          m.cancelTimers();
          feedback(d, m, FeedbackStatus.REJECTED, "Message rejected by the device", out);
        }
        case ABANDON, LOCK_EXPIRED -> {
          if (!time.now().isBefore(m.expiry)) {
            m.cancelTimers();
            feedback(d, m, FeedbackStatus.EXPIRED, "Message expired", out);
          } else if (m.deliveryCount >= limits.maxDeliveryCount()) {
            m.cancelTimers();
            feedback(d, m, FeedbackStatus.DELIVERY_COUNT_EXCEEDED,
                "Message delivered " + m.deliveryCount + " times without completion", out);
          } else {
            m.lockToken = null;
            d.queue.addFirst(m);
          }
        }
      }
      deliverNext(d, out);
    }
    run(out);
    return true;
  }

  /** Not under the lock. */
  private void onExpiry(DeviceState d, QueuedMessage m) {
    List<Runnable> out = new ArrayList<>();
    synchronized (lock) {
      if (d.queue.remove(m)) { // a locked message expires when it is released, not while locked
        feedback(d, m, FeedbackStatus.EXPIRED, "Message expired", out);
      }
    }
    run(out);
  }

  private void feedback(DeviceState d, QueuedMessage m, FeedbackStatus status, String description,
      List<Runnable> out) {
    Acknowledgement ack = m.message.acknowledgement();
    boolean wanted = status.isPositive() ? ack.reportsSuccess() : ack.reportsFailure();
    if (!wanted) {
      return;
    }
    pendingBatch.add(FeedbackRecord.builder().originalMessageId(m.message.messageId()).deviceId(d.id).status(status)
        .enqueuedTime(time.now()).description(description).build());
    if (pendingBatch.size() >= limits.feedbackBatchSize()) {
      flush(out);
    } else if (batchTimer == null) {
      batchTimer = time.schedule(limits.feedbackBatchInterval(), this::flushFeedback);
    }
  }

  private void flush(List<Runnable> out) {
    if (batchTimer != null) {
      batchTimer.cancel();
      batchTimer = null;
    }
    if (pendingBatch.isEmpty()) {
      return;
    }
    List<FeedbackRecord> batch = List.copyOf(pendingBatch);
    pendingBatch = new ArrayList<>();
    for (HubObserver o : observers) {
      out.add(() -> batch.forEach(o::feedbackEmitted));
    }
    if (receivers.isEmpty()) {
      undeliveredBatches.addLast(batch);
    } else {
      FeedbackConsumer r = receivers.get(nextReceiver++ % receivers.size());
      out.add(() -> r.deliver(batch));
    }
  }

  private void dispatch(DeviceState d, PendingCall call, List<Runnable> out) {
    SessionImpl s = d.session;
    call.requestId = Long.toString(++counter);
    d.awaitingResponse.put(call.requestId, call);
    call.timer = time.schedule(call.invocation.responseTimeout(), () -> onResponseTimeout(d, call));
    MethodRequest request = new MethodRequest(call.requestId, call.invocation.methodName(),
        call.invocation.payloadJson(), call.invocation.responseTimeout());
    out.add(() -> s.endpoint.invokeMethod(request));
  }

  /** Not under the lock. */
  private void onConnectTimeout(DeviceState d, PendingCall call) {
    boolean timedOut;
    synchronized (lock) {
      timedOut = d.waitingForConnect.remove(call);
    }
    if (timedOut) {
      call.result.completeExceptionally(offline(d.id));
    }
  }

  /** Not under the lock. */
  private void onResponseTimeout(DeviceState d, PendingCall call) {
    boolean timedOut;
    synchronized (lock) {
      timedOut = d.awaitingResponse.remove(call.requestId, call);
    }
    if (timedOut) {
      call.result.completeExceptionally(HubException.of(HubError.GATEWAY_TIMEOUT, "device " + d.id
          + " did not answer method " + call.invocation.methodName() + " within "
          + call.invocation.responseTimeout().toSeconds() + " s"));
    }
  }

  private static HubException offline(String deviceId) {
    return HubException.of(HubError.DEVICE_NOT_ONLINE, "device " + deviceId + " is not online");
  }

  private DeviceState existing(String deviceId) {
    DeviceState d = devices.get(deviceId);
    if (d == null) {
      throw HubException.of(HubError.DEVICE_NOT_FOUND, "device " + deviceId + " is not registered");
    }
    return d;
  }

  private void checkOpen() {
    if (closed) {
      throw HubException.of(HubError.SERVER_ERROR, "hub engine is closed");
    }
  }

  private static void run(List<Runnable> actions) {
    for (Runnable r : actions) {
      try {
        r.run();
      } catch (RuntimeException e) {
        LOG.warn("Hub callback failed", e);
      }
    }
  }

  // ---------------------------------------------------------------- state

  private final class SessionImpl implements DeviceSession {
    final DeviceState device;
    final DeviceEndpoint endpoint;
    boolean messagesSubscribed;
    boolean methodsSubscribed;

    SessionImpl(DeviceState device, DeviceEndpoint endpoint) {
      this.device = device;
      this.endpoint = endpoint;
    }

    @Override
    public String deviceId() {
      return device.id;
    }

    @Override
    public void subscribeMessages() {
      List<Runnable> out = new ArrayList<>();
      synchronized (lock) {
        if (device.session != this) {
          return;
        }
        messagesSubscribed = true;
        deliverNext(device, out);
      }
      run(out);
    }

    @Override
    public void subscribeMethods() {
      List<Runnable> out = new ArrayList<>();
      synchronized (lock) {
        if (device.session != this) {
          return;
        }
        methodsSubscribed = true;
        List<PendingCall> waiting = new ArrayList<>(device.waitingForConnect);
        device.waitingForConnect.clear();
        for (PendingCall c : waiting) {
          c.cancelTimer();
          dispatch(device, c, out);
        }
      }
      run(out);
    }

    @Override
    public boolean complete(String lockToken) {
      return device.session == this && settle(device, lockToken, Settlement.COMPLETE);
    }

    @Override
    public boolean abandon(String lockToken) {
      return device.session == this && settle(device, lockToken, Settlement.ABANDON);
    }

    @Override
    public boolean reject(String lockToken) {
      return device.session == this && settle(device, lockToken, Settlement.REJECT);
    }

    @Override
    public boolean respond(String requestId, int status, String payloadJson) {
      PendingCall call;
      synchronized (lock) {
        if (device.session != this) { // a disconnected device cannot answer
          return false;
        }
        call = device.awaitingResponse.remove(requestId);
        if (call == null) {
          return false;
        }
        call.cancelTimer();
      }
      int size = payloadJson.getBytes(StandardCharsets.UTF_8).length;
      if (size > limits.maxMethodPayloadBytes()) {
        call.result.completeExceptionally(HubException.of(HubError.MESSAGE_TOO_LARGE, "device " + device.id
            + " answered with " + size + " bytes; the limit is " + limits.maxMethodPayloadBytes()));
      } else {
        call.result.complete(new MethodResponse(status, payloadJson));
      }
      return true;
    }

    @Override
    public boolean isOpen() {
      synchronized (lock) {
        return device.session == this;
      }
    }

    @Override
    public void close() {
      synchronized (lock) {
        if (device.session == this) {
          device.session = null;
        }
      }
    }

    @Override
    public String toString() {
      return "DeviceSession{" + device.id + (isOpen() ? "" : ", closed") + '}';
    }
  }

  private final class DeviceState {
    final String id;
    final String generationId;
    @Nullable String primaryKey;
    @Nullable String secondaryKey;
    boolean enabled = true;
    long etag = 1;
    final Deque<QueuedMessage> queue = new ArrayDeque<>();
    @Nullable QueuedMessage locked;
    @Nullable SessionImpl session;
    final List<PendingCall> waitingForConnect = new ArrayList<>();
    final Map<String, PendingCall> awaitingResponse = new HashMap<>();

    DeviceState(String id, String generationId, @Nullable String primaryKey, @Nullable String secondaryKey) {
      this.id = id;
      this.generationId = generationId;
      this.primaryKey = primaryKey;
      this.secondaryKey = secondaryKey;
    }

    int depth() {
      return queue.size() + (locked != null ? 1 : 0);
    }

    boolean acceptsMethods() {
      return session != null && session.methodsSubscribed;
    }

    List<QueuedMessage> allMessages() {
      List<QueuedMessage> all = new ArrayList<>();
      if (locked != null) {
        all.add(locked);
      }
      all.addAll(queue);
      return all;
    }

    Collection<PendingCall> allCalls() {
      List<PendingCall> all = new ArrayList<>(waitingForConnect);
      all.addAll(awaitingResponse.values());
      return all;
    }

    DeviceInfo info() {
      return new DeviceInfo(id, generationId, "etag-" + etag, primaryKey, secondaryKey, enabled, session != null,
          depth());
    }
  }

  private static final class QueuedMessage {
    final CloudToDeviceMessage message;
    final Instant enqueuedTime;
    final Instant expiry;
    int deliveryCount;
    @Nullable String lockToken;
    TimeSource.@Nullable Cancellable expiryTimer;
    TimeSource.@Nullable Cancellable lockTimer;

    QueuedMessage(CloudToDeviceMessage message, Instant enqueuedTime, Instant expiry) {
      this.message = message;
      this.enqueuedTime = enqueuedTime;
      this.expiry = expiry;
    }

    void cancelTimers() {
      if (expiryTimer != null) {
        expiryTimer.cancel();
      }
      if (lockTimer != null) {
        lockTimer.cancel();
      }
    }
  }

  private static final class PendingCall {
    final MethodInvocation invocation;
    final CompletableFuture<MethodResponse> result;
    String requestId = "";
    TimeSource.@Nullable Cancellable timer;

    PendingCall(MethodInvocation invocation, CompletableFuture<MethodResponse> result) {
      this.invocation = invocation;
      this.result = result;
    }

    void cancelTimer() {
      if (timer != null) {
        timer.cancel();
      }
    }
  }

  /** Delivers batches to one receiver one at a time, in order. */
  private static final class FeedbackConsumer {
    final FeedbackReceiver receiver;

    FeedbackConsumer(FeedbackReceiver receiver) {
      this.receiver = receiver;
    }

    synchronized void deliver(List<FeedbackRecord> batch) {
      receiver.receive(batch);
    }
  }
}
