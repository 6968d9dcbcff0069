package io.github.iothubcommands.internal;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandOutcome;
import java.util.concurrent.CompletableFuture;

/**
 * How one delivery strategy is carried out: a check that a command fits it, and the attempt that hands the
 * command to the hub and yields its outcome. {@link Deliveries} makes one per strategy, so each strategy
 * type has exactly one implementation; combinators (retry, fallback) wrap others.
 */
interface Delivery {

  /**
   * Checks that the command can travel this way; throws before anything is sent.
   *
   * @throws IllegalArgumentException naming the field, the rule and the value
   */
  void check(Command command);

  /**
   * Runs one attempt. The future never completes exceptionally: every failure is an outcome. The attempt
   * reports {@link TrackedCommand}'s SENT transition through the tracker when the hub accepted the command;
   * the caller completes the command with the returned outcome.
   */
  CompletableFuture<CommandOutcome> attempt(TrackedCommand command);
}
