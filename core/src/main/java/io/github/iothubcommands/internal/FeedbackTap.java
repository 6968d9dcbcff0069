package io.github.iothubcommands.internal;

import io.github.iothubcommands.FeedbackListener;
import io.github.iothubcommands.spi.FeedbackReceiver;
import io.github.iothubcommands.spi.FeedbackRecord;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands each batch to the tracker, then shows its records to the feedback listeners; never fails a batch. */
final class FeedbackTap implements FeedbackReceiver {
  private static final Logger LOG = LoggerFactory.getLogger(FeedbackTap.class);
  private final FeedbackReceiver tracker;
  private final List<FeedbackListener> listeners;

  private FeedbackTap(FeedbackReceiver tracker, List<FeedbackListener> listeners) {
    this.tracker = tracker;
    this.listeners = listeners;
  }

  /** The tracker itself when nobody listens, so the default path costs nothing. */
  static FeedbackReceiver of(FeedbackReceiver tracker, List<FeedbackListener> listeners) {
    return listeners.isEmpty() ? tracker : new FeedbackTap(tracker, List.copyOf(listeners));
  }

  @Override
  public CompletionStage<Void> receive(List<FeedbackRecord> batch) {
    CompletionStage<Void> taken = tracker.receive(batch);
    for (FeedbackRecord record : batch) {
      for (FeedbackListener listener : listeners) {
        try {
          listener.onFeedback(record);
        } catch (RuntimeException | LinkageError | AssertionError e) { // a failing test assertion included
          LOG.warn("Feedback listener {} failed on {}", listener, record, e);
        }
      }
    }
    return taken;
  }
}
