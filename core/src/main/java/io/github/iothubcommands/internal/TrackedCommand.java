package io.github.iothubcommands.internal;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandEvent;
import io.github.iothubcommands.CommandHandle;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.spi.TimeSource;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** One command's state machine: QUEUED, then SENT, then exactly one terminal outcome. */
final class TrackedCommand implements CommandHandle {
  private final String deviceId;
  private final Command command;
  private final DeliveryStrategy strategy;
  private final Consumer<CommandEvent> events;
  private final CompletableFuture<CommandOutcome> outcome = new CompletableFuture<>();
  private CommandStatus status = CommandStatus.QUEUED;
  private TimeSource.@Nullable Cancellable deadline;

  TrackedCommand(String deviceId, Command command, DeliveryStrategy strategy, Consumer<CommandEvent> events) {
    this.deviceId = deviceId;
    this.command = command;
    this.strategy = strategy;
    this.events = events;
  }

  // Events are published under this object's monitor so that listeners see one command's transitions in
  // order even when they race (feedback can overtake the completion of the send that caused it).

  synchronized void announceQueued(Instant at) {
    events.accept(event(null, CommandStatus.QUEUED, at, null));
  }

  /** QUEUED → SENT; ignored once the command has moved on. */
  synchronized void markSent(Instant at) {
    if (status != CommandStatus.QUEUED) {
      return;
    }
    status = CommandStatus.SENT;
    events.accept(event(CommandStatus.QUEUED, CommandStatus.SENT, at, null));
  }

  /** Sets a deadline to cancel on completion; cancels it at once if the command is already terminal. */
  void setDeadline(TimeSource.Cancellable cancellable) {
    boolean done;
    synchronized (this) {
      done = status.isTerminal();
      if (!done) {
        deadline = cancellable;
      }
    }
    if (done) {
      cancellable.cancel();
    }
  }

  /** Completes the command; returns false (and does nothing) if it already had its outcome. */
  boolean complete(CommandOutcome result) {
    CommandStatus previous;
    TimeSource.@Nullable Cancellable toCancel;
    synchronized (this) {
      if (status.isTerminal()) {
        return false;
      }
      previous = status;
      status = result.status();
      toCancel = deadline;
      deadline = null;
      events.accept(event(previous, result.status(), result.completedAt(), result));
    }
    if (toCancel != null) {
      toCancel.cancel();
    }
    outcome.complete(result);
    return true;
  }

  private CommandEvent event(@Nullable CommandStatus previous, CommandStatus now, Instant at,
      @Nullable CommandOutcome result) {
    return CommandEvent.builder().commandId(command.id()).deviceId(deviceId).previous(previous).status(now).at(at)
        .outcome(result).build();
  }

  @Override
  public String commandId() {
    return command.id();
  }

  @Override
  public String deviceId() {
    return deviceId;
  }

  @Override
  public Command command() {
    return command;
  }

  @Override
  public DeliveryStrategy strategy() {
    return strategy;
  }

  @Override
  public synchronized CommandStatus status() {
    return status;
  }

  @Override
  public CompletableFuture<CommandOutcome> outcome() {
    return outcome.copy();
  }

  CompletableFuture<CommandOutcome> outcomeFuture() {
    return outcome;
  }

  @Override
  public String toString() {
    return "CommandHandle{commandId=" + command.id() + ", deviceId=" + deviceId + ", status=" + status() + '}';
  }
}
