package io.github.iothubcommands.internal;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.spi.FeedbackReceiver;
import io.github.iothubcommands.spi.FeedbackRecord;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Owns what must hold for every command whatever the mechanism: its id reserved while it is in flight,
 * its transitions published in order, feedback correlated to it, and exactly one terminal outcome.
 *
 * <p>{@link InProcessTracker} keeps this in memory, which is right for one application instance. With
 * several instances the hub's feedback receivers compete, so the record for a command sent by one instance
 * often reaches another; a shared store (Redis, PostgreSQL) implements this interface by publishing each
 * received record keyed by original message id and completing the waiter from it, and acknowledges a
 * batch (the stage {@link #receive} returns) only once its records are stored.
 */
interface CommandTracker extends FeedbackReceiver {

  /**
   * Starts tracking a command: reserves its id and publishes {@code QUEUED}.
   *
   * @throws IllegalStateException if a command with the same id is in flight
   */
  TrackedCommand track(String deviceId, Command command, DeliveryStrategy strategy);

  /** The hub accepted the command: {@code QUEUED → SENT}; ignored once it has moved on. */
  void markSent(TrackedCommand command);

  /**
   * Returns a future of the feedback record for this command, correlated by original message id and
   * device; it completes empty if none arrives within {@code window}. Call before handing the command to
   * the hub, so that feedback overtaking the send's answer is not missed. A record proves the hub accepted
   * the command, so it also marks it sent.
   */
  CompletableFuture<Optional<FeedbackRecord>> awaitFeedback(TrackedCommand command, Duration window);

  /**
   * Completes the command with its terminal outcome, publishes it, releases its id and cancels its timers.
   *
   * @return {@code false} if the command already had its outcome (this one is dropped)
   */
  boolean complete(TrackedCommand command, CommandOutcome outcome);

  /** Completes every command in flight with {@code FAILED} and this detail. */
  void failAll(String detail);
}
