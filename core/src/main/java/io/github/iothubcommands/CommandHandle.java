package io.github.iothubcommands;

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
}
