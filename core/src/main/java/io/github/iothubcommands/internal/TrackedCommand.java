package io.github.iothubcommands.internal;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandHandle;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.spi.FeedbackRecord;
import io.github.iothubcommands.spi.TimeSource;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** One command's state machine: QUEUED, then SENT once the hub accepted it, then exactly one terminal outcome. */
final class TrackedCommand implements CommandHandle {
  /** Receives each transition, under the command's monitor, so one command's transitions arrive in order. */
  interface Transitions {
    void transition(TrackedCommand command, @Nullable CommandStatus previous, CommandStatus status, Instant at,
        @Nullable CommandOutcome outcome);
  }

  private final String deviceId;
  private final Command command;
  private final DeliveryStrategy strategy;
  private final Transitions transitions;
  private final CompletableFuture<CommandOutcome> outcome = new CompletableFuture<>();
  private CommandStatus status = CommandStatus.QUEUED;
  /** Present while the command waits for feedback. */
  private @Nullable CompletableFuture<Optional<FeedbackRecord>> feedback;
  private TimeSource.@Nullable Cancellable feedbackTimer;

  TrackedCommand(String deviceId, Command command, DeliveryStrategy strategy, Transitions transitions) {
    this.deviceId = deviceId;
    this.command = command;
    this.strategy = strategy;
    this.transitions = transitions;
  }

  synchronized void announceQueued(Instant at) {
    transitions.transition(this, null, CommandStatus.QUEUED, at, null);
  }

  /** QUEUED → SENT; ignored once the command has moved on. */
  synchronized void markSent(Instant at) {
    if (status == CommandStatus.QUEUED) {
      status = CommandStatus.SENT;
      transitions.transition(this, CommandStatus.QUEUED, CommandStatus.SENT, at, null);
    }
  }

  /** Registers the wait for feedback; returns {@code false} if the command is already terminal. */
  synchronized boolean awaitFeedback(CompletableFuture<Optional<FeedbackRecord>> future) {
    if (status.isTerminal()) {
      return false;
    }
    feedback = future;
    return true;
  }

  /** Sets the timer that ends the wait for feedback; cancels it at once if the wait is already over. */
  void setFeedbackTimer(TimeSource.Cancellable timer) {
    boolean over;
    synchronized (this) {
      over = feedback == null || feedback.isDone();
      if (!over) {
        feedbackTimer = timer;
      }
    }
    if (over) {
      timer.cancel();
    }
  }

  /** The future waiting for this command's feedback, or {@code null} if it waits for none. */
  synchronized @Nullable CompletableFuture<Optional<FeedbackRecord>> feedbackWaiter() {
    return feedback;
  }

  /**
   * Completes the command: the terminal transition, then {@code released} (the tracker frees the id), then
   * the outcome future — so code that runs when the outcome arrives may reuse the id at once. Returns false
   * (and does nothing) if the command already had its outcome.
   */
  boolean complete(CommandOutcome result, Runnable released) {
    TimeSource.@Nullable Cancellable toCancel = null;
    boolean madeTerminal = false;
    try {
      synchronized (this) {
        if (status.isTerminal()) {
          return false; // another call made it terminal, and that call completes it
        }
        CommandStatus previous = status;
        status = result.status();
        madeTerminal = true;
        toCancel = feedbackTimer;
        feedbackTimer = null;
        feedback = null;
        transitions.transition(this, previous, result.status(), result.completedAt(), result);
      }
    } finally { // whatever a listener threw, the call that made the command terminal releases and completes it
      if (madeTerminal) {
        if (toCancel != null) {
          toCancel.cancel();
        }
        released.run();
        outcome.complete(result); // outside the monitor: dependents may touch other commands
      }
    }
    return true;
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
