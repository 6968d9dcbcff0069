package io.github.iothubcommands.spi;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Takes the hub's feedback batches from a transport. The command client implements it; a transport calls
 * it for each batch the hub sends, one batch at a time.
 *
 * <p>The returned stage tells the transport when the batch's records have been taken — correlated to
 * their commands, or stored for another application instance to pick up. A transport acknowledges a batch
 * to the hub (completes it) only once the stage completes normally; if the stage completes exceptionally it
 * abandons the batch so the hub delivers it again. A record the receiver does not recognise is still
 * taken: the stage completes normally.
 */
@FunctionalInterface
public interface FeedbackReceiver {

  /**
   * Takes one batch.
   *
   * @param batch the records of one batch, in the hub's order
   * @return a stage that completes once every record of the batch has been taken
   */
  CompletionStage<Void> receive(List<FeedbackRecord> batch);

  /**
   * Returns a receiver that hands each batch to {@code consumer} and counts it taken when the consumer
   * returns; a consumer that throws fails the batch, so the transport abandons it.
   *
   * @param consumer takes each batch synchronously
   * @return the receiver
   */
  static FeedbackReceiver taking(Consumer<List<FeedbackRecord>> consumer) {
    Objects.requireNonNull(consumer, "consumer");
    return batch -> {
      try {
        consumer.accept(batch);
        return CompletableFuture.completedFuture(null);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    };
  }
}
