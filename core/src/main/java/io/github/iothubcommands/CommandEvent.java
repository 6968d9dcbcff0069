package io.github.iothubcommands;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A command changed status. Listeners see every transition of every command, in order per command; the
 * last event of a command carries its outcome.
 *
 * @param commandId the command id
 * @param deviceId the device id
 * @param previous the status before, or {@code null} for the first event ({@link CommandStatus#QUEUED})
 * @param status the status now
 * @param at when, on the client's time source
 * @param outcome the outcome, present exactly when {@code status} is terminal
 */
public record CommandEvent(
    String commandId,
    String deviceId,
    @Nullable CommandStatus previous,
    CommandStatus status,
    Instant at,
    @Nullable CommandOutcome outcome) {

  /** Checks that an outcome comes with, and only with, a terminal status. */
  public CommandEvent {
    Objects.requireNonNull(commandId, "commandId");
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(at, "at");
    if (status.isTerminal() != (outcome != null)) {
      throw new IllegalArgumentException("outcome must be present exactly for a terminal status, but status was "
          + status + " and outcome " + (outcome == null ? "absent" : "present"));
    }
  }
}
