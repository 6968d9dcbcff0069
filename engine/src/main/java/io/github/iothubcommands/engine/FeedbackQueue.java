package io.github.iothubcommands.engine;

import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.spi.FeedbackReceiver;
import io.github.iothubcommands.spi.FeedbackRecord;
import io.github.iothubcommands.spi.FeedbackStatus;
import io.github.iothubcommands.spi.FeedbackSubscription;
import io.github.iothubcommands.spi.TimeSource;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's feedback endpoint, a queue with competing receivers: records are batched by size or interval;
 * each batch goes to one receiver, in turn, and a receiver gets its next batch only once the stage it
 * returned for the previous one completed. A batch whose stage fails (or whose receiver throws) is
 * abandoned: it goes back to the head of the queue for the next receiver, up to {@link
 * HubLimits#maxFeedbackDeliveryCount()} deliveries, then it is dropped with a warning. A batch no receiver
 * took within {@link HubLimits#feedbackTimeToLive()} expires, so feedback nobody receives never piles up.
 */
final class FeedbackQueue {
  private static final Logger LOG = LoggerFactory.getLogger(HubEngine.class);

  private final EngineState state;
  private final List<Consumer> receivers = new ArrayList<>();
  /** Batches waiting for a free receiver, abandoned ones first. */
  private final Deque<Batch> ready = new ArrayDeque<>();
  private List<FeedbackRecord> pendingBatch = new ArrayList<>();
  private TimeSource.@Nullable Cancellable batchTimer;
  private int nextReceiver;
  /** Deliveries started by callbacks of this thread's delivery, run after it rather than inside it. */
  private final ThreadLocal<@Nullable Deque<Runnable>> trampoline = new ThreadLocal<>();

  FeedbackQueue(EngineState state) {
    this.state = state;
  }

  /** Lock held. Adds a record for {@code message} if its acknowledgement mode asks for this status. */
  void record(String deviceId, String messageId, Acknowledgement ack, FeedbackStatus status, String description,
      List<Runnable> out) {
    boolean wanted = status.isPositive() ? ack.reportsSuccess() : ack.reportsFailure();
    if (!wanted) {
      return;
    }
    if (state.faults.armed && state.faults.takeFeedbackDrop()) {
      state.counters.add(Counters.Count.FEEDBACK_DROPPED);
      return;
    }
    pendingBatch.add(FeedbackRecord.builder().originalMessageId(messageId).deviceId(deviceId).status(status)
        .enqueuedTime(state.time.now()).description(description).build());
    if (pendingBatch.size() >= state.limits.feedbackBatchSize()) {
      flush(out);
    } else if (batchTimer == null) {
      batchTimer = state.time.schedule(state.limits.feedbackBatchInterval(), this::flushNow);
    }
  }

  FeedbackSubscription subscribe(FeedbackReceiver receiver) {
    Consumer r = new Consumer(receiver);
    List<Runnable> out = new ArrayList<>();
    synchronized (state.lock) {
      receivers.add(r);
      dispatch(out);
    }
    EngineState.run(out);
    return () -> {
      synchronized (state.lock) {
        receivers.remove(r);
      }
      synchronized (r) { // waits for a delivery that is running on it; none starts after this
        r.closed = true;
      }
    };
  }

  void flushNow() {
    List<Runnable> out = new ArrayList<>();
    synchronized (state.lock) {
      flush(out);
    }
    EngineState.run(out);
  }

  /** Lock held. */
  void flush(List<Runnable> out) {
    if (batchTimer != null) {
      batchTimer.cancel();
      batchTimer = null;
    }
    if (pendingBatch.isEmpty()) {
      return;
    }
    List<FeedbackRecord> records = List.copyOf(pendingBatch);
    pendingBatch = new ArrayList<>();
    for (HubObserver o : state.observers) {
      out.add(() -> records.forEach(o::feedbackEmitted));
    }
    ready.addLast(new Batch(records, state.time.now().plus(state.limits.feedbackTimeToLive())));
    dispatch(out);
  }

  /** Lock held. */
  void close() {
    if (batchTimer != null) {
      batchTimer.cancel();
    }
  }

  /** Lock held. Drops expired batches, then hands ready batches to free receivers, in turn. */
  private void dispatch(List<Runnable> out) {
    dropExpired(out);
    while (!ready.isEmpty()) {
      Consumer r = nextFree();
      if (r == null) {
        return;
      }
      Batch batch = ready.pollFirst();
      r.busy = true;
      batch.deliveries++;
      out.add(() -> trampolined(() -> deliverTo(r, batch)));
    }
  }

  /**
   * Lock held. Batches expire in the order they were made, and abandoned (older) ones go back to the head,
   * so expired ones sit at the head: each is looked at once.
   */
  private void dropExpired(List<Runnable> out) {
    Instant now = state.time.now();
    int dropped = 0;
    Batch head;
    while ((head = ready.peekFirst()) != null && !now.isBefore(head.expiresAt)) {
      ready.pollFirst();
      dropped += head.records.size();
    }
    if (dropped > 0) {
      int records = dropped;
      out.add(() -> LOG.debug("{} feedback records expired in the feedback queue without a receiver", records));
    }
  }

  private @Nullable Consumer nextFree() {
    for (int i = 0; i < receivers.size(); i++) {
      Consumer r = receivers.get(Math.floorMod(nextReceiver++, receivers.size()));
      if (!r.busy) {
        return r;
      }
    }
    return null;
  }

  /** Lock not held. */
  private void deliverTo(Consumer r, Batch batch) {
    CompletionStage<Void> stage = null;
    Throwable failure = null;
    boolean closed;
    synchronized (r) { // close() waits for this; no delivery starts once it returned
      closed = r.closed;
      if (!closed) {
        try {
          stage = r.receiver.receive(batch.records);
          if (stage == null) {
            failure = new IllegalStateException("the feedback receiver returned null instead of a stage");
          }
        } catch (RuntimeException e) {
          failure = e;
        }
      }
    }
    if (closed) { // unsubscribed after the batch was handed to it: not a delivery
      settle(r, batch, null, false);
    } else if (stage == null) {
      settle(r, batch, failure, true);
    } else {
      stage.whenComplete((v, error) -> settle(r, batch, error, true));
    }
  }

  /** Lock not held. The receiver is done with the batch: taken, or abandoned when {@code error} is set. */
  private void settle(Consumer r, Batch batch, @Nullable Throwable error, boolean delivered) {
    List<Runnable> out = new ArrayList<>();
    synchronized (state.lock) {
      r.busy = false;
      if (!delivered) {
        batch.deliveries--;
        ready.addFirst(batch);
      } else if (error != null) {
        if (batch.deliveries >= state.limits.maxFeedbackDeliveryCount()) {
          int deliveries = batch.deliveries;
          out.add(() -> LOG.warn("Feedback batch of {} records dropped after {} deliveries; the last failed with {}",
              batch.records.size(), deliveries, String.valueOf(error)));
        } else {
          ready.addFirst(batch);
        }
      }
      dispatch(out);
    }
    EngineState.run(out);
  }

  /**
   * Lock not held. Runs a delivery, or queues it behind the one this thread is running: a receiver that
   * completes at once (or calls back into the engine) would otherwise start the next delivery from inside
   * its own, growing the stack and holding one receiver's monitor while calling another.
   */
  private void trampolined(Runnable delivery) {
    Deque<Runnable> queue = trampoline.get();
    if (queue != null) {
      queue.addLast(delivery);
      return;
    }
    queue = new ArrayDeque<>(List.of(delivery));
    trampoline.set(queue);
    try {
      Runnable next;
      while ((next = queue.pollFirst()) != null) {
        EngineState.run(List.of(next));
      }
    } finally {
      trampoline.remove();
    }
  }

  /** One batch and how many times it was handed to a receiver. */
  private static final class Batch {
    final List<FeedbackRecord> records;
    final Instant expiresAt;
    int deliveries;

    Batch(List<FeedbackRecord> records, Instant expiresAt) {
      this.records = records;
      this.expiresAt = expiresAt;
    }
  }

  /** A subscribed receiver: at most one batch at a time. {@code busy} is guarded by the engine lock. */
  private static final class Consumer {
    final FeedbackReceiver receiver;
    boolean busy;
    boolean closed;

    Consumer(FeedbackReceiver receiver) {
      this.receiver = receiver;
    }
  }
}
