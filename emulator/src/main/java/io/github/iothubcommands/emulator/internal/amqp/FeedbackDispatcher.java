package io.github.iothubcommands.emulator.internal.amqp;

import io.github.iothubcommands.spi.FeedbackRecord;
import io.github.iothubcommands.spi.FeedbackReceiver;
import io.github.iothubcommands.spi.FeedbackSubscription;
import io.github.iothubcommands.engine.DeviceInfo;
import io.github.iothubcommands.engine.HubEngine;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's one feedback receiver on the engine, subscribed while at least one feedback link is attached
 * (so that without AMQP feedback clients the engine's other receivers get every batch). It holds each batch
 * until a feedback link of any connection accepts it: a released batch, or one in flight on a link that goes
 * away, is offered again first. Each link has at most one batch in flight; ready links compete for batches.
 */
final class FeedbackDispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FeedbackDispatcher.class);

  /** One encoded feedback batch. */
  record Batch(byte[] json, int records) {}

  /** A feedback link able to take one batch now; it is told so on its own event loop. */
  interface Taker {
    void take(Batch batch);
  }

  private final HubEngine engine;
  private final Object lock = new Object();
  private final Deque<Batch> pending = new ArrayDeque<>();
  private final Deque<Taker> ready = new ArrayDeque<>();
  /** Guards {@link #links} and {@link #subscription}; never held while {@link #lock} is wanted. */
  private final Object subscriptionLock = new Object();
  private int links;
  private @Nullable FeedbackSubscription subscription;
  private boolean closed;

  FeedbackDispatcher(HubEngine engine) {
    this.engine = engine;
  }

  /** A feedback link attached: the first one subscribes to the engine. */
  void linkAttached() {
    synchronized (subscriptionLock) {
      if (links++ == 0 && !closed) {
        subscription = engine.subscribeFeedback(FeedbackReceiver.taking(this::emitted));
      }
    }
  }

  /** A feedback link went away: with the last one, batches stay with the engine (held ones stay here). */
  void linkDetached() {
    synchronized (subscriptionLock) {
      if (--links == 0) {
        unsubscribe();
      }
    }
  }

  private void emitted(List<FeedbackRecord> records) {
    byte[] json = AmqpCodec.feedbackJson(records,
        id -> engine.device(id).map(DeviceInfo::generationId).orElse(""));
    offer(new Batch(json, records.size()), false);
  }

  /** A batch came back unaccepted: it goes out again before any newer one. */
  void requeue(Batch batch) {
    offer(batch, true);
  }

  private void offer(Batch batch, boolean first) {
    Taker taker;
    synchronized (lock) {
      taker = ready.pollFirst();
      if (taker == null) {
        if (first) {
          pending.addFirst(batch);
        } else {
          pending.addLast(batch);
        }
        return;
      }
    }
    taker.take(batch);
  }

  /** The link can take a batch: it gets the oldest pending one now, or the next one emitted. */
  void ready(Taker taker) {
    Batch batch;
    synchronized (lock) {
      batch = pending.pollFirst();
      if (batch == null) {
        ready.addLast(taker);
        return;
      }
    }
    taker.take(batch);
  }

  /** The link is gone. */
  void remove(Taker taker) {
    synchronized (lock) {
      ready.remove(taker);
    }
  }

  @Override
  public void close() {
    synchronized (subscriptionLock) {
      closed = true;
      unsubscribe();
    }
  }

  private void unsubscribe() {
    FeedbackSubscription s = subscription;
    subscription = null;
    if (s != null) {
      s.close();
    }
  }
}
