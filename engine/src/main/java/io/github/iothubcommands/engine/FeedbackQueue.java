package io.github.iothubcommands.engine;

import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.spi.FeedbackReceiver;
import io.github.iothubcommands.spi.FeedbackRecord;
import io.github.iothubcommands.spi.FeedbackStatus;
import io.github.iothubcommands.spi.FeedbackSubscription;
import io.github.iothubcommands.spi.TimeSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The hub's feedback endpoint: records batched by size or interval, batches handed to competing receivers. */
final class FeedbackQueue {
  private final EngineState state;
  private final List<Consumer> receivers = new ArrayList<>();
  /** Batches emitted while no receiver was subscribed, in order. */
  private final Deque<List<FeedbackRecord>> undeliveredBatches = new ArrayDeque<>();
  private List<FeedbackRecord> pendingBatch = new ArrayList<>();
  private TimeSource.@Nullable Cancellable batchTimer;
  private int nextReceiver;

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
      while (!undeliveredBatches.isEmpty()) {
        List<FeedbackRecord> batch = undeliveredBatches.pollFirst();
        out.add(() -> r.deliver(batch));
      }
    }
    EngineState.run(out);
    return () -> {
      synchronized (state.lock) {
        receivers.remove(r);
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
    List<FeedbackRecord> batch = List.copyOf(pendingBatch);
    pendingBatch = new ArrayList<>();
    for (HubObserver o : state.observers) {
      out.add(() -> batch.forEach(o::feedbackEmitted));
    }
    if (receivers.isEmpty()) {
      undeliveredBatches.addLast(batch);
    } else {
      Consumer r = receivers.get(nextReceiver++ % receivers.size());
      out.add(() -> r.deliver(batch));
    }
  }

  /** Lock held. */
  void close() {
    if (batchTimer != null) {
      batchTimer.cancel();
    }
  }

  /** Delivers batches to one receiver one at a time, in order. */
  private static final class Consumer {
    final FeedbackReceiver receiver;

    Consumer(FeedbackReceiver receiver) {
      this.receiver = receiver;
    }

    synchronized void deliver(List<FeedbackRecord> batch) {
      receiver.receive(batch);
    }
  }
}
