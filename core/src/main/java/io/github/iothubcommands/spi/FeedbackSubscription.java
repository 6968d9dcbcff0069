package io.github.iothubcommands.spi;

/**
 * Feedback delivery started by {@link HubTransport#startFeedback}; closing it stops delivery to its
 * receiver. A batch being delivered when it closes finishes; no batch starts after {@link #close()} returns.
 */
@FunctionalInterface
public interface FeedbackSubscription extends AutoCloseable {

  /** Stops delivery. Idempotent. */
  @Override
  void close();
}
