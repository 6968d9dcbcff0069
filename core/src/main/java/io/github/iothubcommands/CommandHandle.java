package io.github.iothubcommands;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A command in flight: its id, its current status and a future of its terminal outcome. Returned by {@link
 * CommandClient#sendAsync}.
 */
public interface CommandHandle {

  /**
   * Returns the command id (the idempotency key).
   *
   * @return the command id
   */
  String commandId();

  /**
   * Returns the device the command was sent to.
   *
   * @return the device id
   */
  String deviceId();

  /**
   * Returns the command.
   *
   * @return the command
   */
  Command command();

  /**
   * Returns how the command travels.
   *
   * @return the delivery strategy
   */
  DeliveryStrategy strategy();

  /**
   * Returns the status now; it changes as the command progresses and stops changing once terminal.
   *
   * @return the current status
   */
  CommandStatus status();

  /**
   * Returns a future of the terminal outcome. It never completes exceptionally: hub errors, timeouts and
   * rejections are outcomes. Each call returns a new dependent future, so completing or cancelling it has
   * no effect on the command.
   *
   * @return a future of the outcome
   */
  CompletableFuture<CommandOutcome> outcome();

  /**
   * Waits, on the calling thread, at most {@code limit} for the terminal outcome. Waiting changes nothing
   * about the command: when the limit passes it is still in flight; {@link #cancel()} it if it should stop.
   *
   * @param limit how long to wait at most; zero only looks
   * @return the outcome, or empty if the command has none yet after {@code limit}
   * @throws IllegalArgumentException if {@code limit} is null or negative
   * @throws IllegalStateException if the waiting thread is interrupted (its interrupt flag is set again)
   */
  Optional<CommandOutcome> awaitOutcome(Duration limit);

  /**
   * Cancels the command if it has no terminal outcome yet: it ends {@link CommandStatus#CANCELLED}, listeners
   * see the transition, the {@linkplain #outcome() outcome} completes, its timers stop, and its id is free
   * again. The client then stops tracking it, but cannot call it back from the hub: a direct method already
   * called may still run on the device, and a cloud-to-device message the hub already queued may still be
   * delivered (IoT Hub removes a single message only by purging the device's whole queue), so feedback that
   * arrives for it later is ignored. A command cancelled before the transport was called is never sent.
   *
   * @return {@code true} if this call cancelled it, {@code false} if it already had its outcome
   */
  boolean cancel();
}
