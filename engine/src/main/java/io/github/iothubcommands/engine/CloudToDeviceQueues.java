package io.github.iothubcommands.engine;

import io.github.iothubcommands.HubError;
import io.github.iothubcommands.HubException;
import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.FeedbackStatus;
import io.github.iothubcommands.spi.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The per-device cloud-to-device queues: FIFO delivery one message at a time, the receive lock and its
 * expiry, settlement, time-to-live and delivery counts, and the feedback each end yields.
 */
final class CloudToDeviceQueues {
  enum Settlement { COMPLETE, ABANDON, REJECT, LOCK_EXPIRED }

  private final EngineState state;
  private final Registry registry;
  private final FeedbackQueue feedback;
  private final Throttles throttles;

  CloudToDeviceQueues(EngineState state, Registry registry, FeedbackQueue feedback, Throttles throttles) {
    this.state = state;
    this.registry = registry;
    this.feedback = feedback;
    this.throttles = throttles;
  }

  void enqueue(CloudToDeviceMessage message) {
    List<Runnable> out = new ArrayList<>();
    synchronized (state.lock) {
      state.checkOpen();
      DeviceState d = registry.find(message.deviceId());
      if (d == null) {
        throw Registry.notRegistered(message.deviceId());
      }
      HubLimits limits = state.limits;
      if (message.size() > limits.maxMessageBytes()) {
        throw HubException.of(HubError.MESSAGE_TOO_LARGE, "message " + message.messageId() + " is "
            + message.size() + " bytes; the limit is " + limits.maxMessageBytes());
      }
      HubException throttled = throttles.takeCloudToDeviceSend(d.id, message.messageId());
      if (throttled != null) {
        throw throttled;
      }
      if (d.depth() >= limits.queueDepth()) {
        throw HubException.of(HubError.QUEUE_DEPTH_EXCEEDED, "device " + d.id + " already has "
            + d.depth() + " messages queued; the limit is " + limits.queueDepth());
      }
      Instant now = state.time.now();
      Instant latest = now.plus(limits.maxTimeToLive());
      Instant expiry = message.expiryTime().isAfter(latest) ? latest : message.expiryTime();
      QueuedMessage m = new QueuedMessage(message, now, expiry);
      d.queue.addLast(m);
      state.counters.add(Counters.Count.C2D_ENQUEUED);
      for (HubObserver o : state.observers) {
        out.add(() -> o.messageEnqueued(message));
      }
      m.expiryTimer = state.time.schedule(Duration.between(now, expiry), () -> onExpiry(d, m));
      deliverNext(d, out);
    }
    EngineState.run(out);
  }

  int purge(String deviceId) {
    List<Runnable> out = new ArrayList<>();
    int count;
    synchronized (state.lock) {
      DeviceState d = registry.existing(deviceId);
      List<QueuedMessage> all = d.allMessages();
      count = all.size();
      d.queue.clear();
      d.locked = null;
      for (QueuedMessage m : all) {
        m.cancelTimers();
        feedback(d, m, FeedbackStatus.PURGED, "Message purged from device queue", out);
      }
    }
    EngineState.run(out);
    return count;
  }

  /** Lock held. Drops the device's messages without feedback (the device was deleted, or the hub closed). */
  void drop(DeviceState d) {
    for (QueuedMessage m : d.allMessages()) {
      m.cancelTimers();
    }
    d.queue.clear();
    d.locked = null;
  }

  /** Lock held. Hands the next live message to the device's session, if it is subscribed and none is locked. */
  void deliverNext(DeviceState d, List<Runnable> out) {
    Sessions.SessionImpl s = d.session;
    if (s == null || !s.messagesSubscribed || d.locked != null) {
      return;
    }
    Instant now = state.time.now();
    while (!d.queue.isEmpty()) {
      QueuedMessage m = d.queue.pollFirst();
      if (!now.isBefore(m.expiry)) {
        m.cancelTimers();
        feedback(d, m, FeedbackStatus.EXPIRED, "Message expired", out);
        continue;
      }
      m.deliveryCount++;
      m.lockToken = "lock-" + state.nextId();
      d.locked = m;
      String token = m.lockToken;
      m.lockTimer = state.time.schedule(state.limits.lockTimeout(),
          () -> settle(d, null, token, Settlement.LOCK_EXPIRED));
      DeliveredMessage delivered = new DeliveredMessage(m.message, token, m.deliveryCount, m.enqueuedTime);
      state.counters.add(Counters.Count.C2D_DELIVERED);
      for (HubObserver o : state.observers) {
        out.add(() -> o.messageDelivered(d.id, delivered));
      }
      out.add(() -> s.endpoint.deliverMessage(delivered));
      return;
    }
  }

  /**
   * Lock not held: settles the locked message if the token still matches and, when a session settles it,
   * that session is still the device's current one (checked under the lock, so a reconnect cannot slip in
   * between the check and the settlement).
   *
   * @param by the session settling the message, or {@code null} when its lock expires
   */
  boolean settle(DeviceState d, Sessions.@Nullable SessionImpl by, String lockToken, Settlement how) {
    List<Runnable> out = new ArrayList<>();
    synchronized (state.lock) {
      QueuedMessage m = d.locked;
      if (m == null || !lockToken.equals(m.lockToken) || !registry.isRegistered(d)
          || (by != null && d.session != by)) {
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
          if (how == Settlement.ABANDON) {
            state.counters.add(Counters.Count.C2D_ABANDONED);
          }
          if (!state.time.now().isBefore(m.expiry)) {
            m.cancelTimers();
            feedback(d, m, FeedbackStatus.EXPIRED, "Message expired", out);
          } else if (m.deliveryCount >= state.limits.maxDeliveryCount()) {
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
    EngineState.run(out);
    return true;
  }

  /** Lock not held. */
  private void onExpiry(DeviceState d, QueuedMessage m) {
    List<Runnable> out = new ArrayList<>();
    synchronized (state.lock) {
      if (d.queue.remove(m)) { // a locked message expires when it is released, not while locked
        feedback(d, m, FeedbackStatus.EXPIRED, "Message expired", out);
      }
    }
    EngineState.run(out);
  }

  private void feedback(DeviceState d, QueuedMessage m, FeedbackStatus status, String description,
      List<Runnable> out) {
    state.counters.add(switch (status) {
      case SUCCESS -> Counters.Count.C2D_COMPLETED;
      case REJECTED -> Counters.Count.C2D_REJECTED;
      case EXPIRED -> Counters.Count.C2D_EXPIRED;
      case DELIVERY_COUNT_EXCEEDED -> Counters.Count.C2D_DELIVERY_COUNT_EXCEEDED;
      case PURGED -> Counters.Count.C2D_PURGED;
    });
    feedback.record(d.id, m.message.messageId(), m.message.acknowledgement(), status, description, out);
  }

  /** A message in a device queue, or locked by the device. */
  static final class QueuedMessage {
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
}
