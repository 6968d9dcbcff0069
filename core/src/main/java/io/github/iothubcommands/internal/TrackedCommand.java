package io.github.iothubcommands.internal;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandEvent;
import io.github.iothubcommands.CommandHandle;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.Mechanism;
import io.github.iothubcommands.spi.FeedbackRecord;
import io.github.iothubcommands.spi.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/** One command's state machine: QUEUED, then SENT once the hub accepted it, then exactly one terminal outcome. */
final class TrackedCommand implements CommandHandle {
  /** The tracker that owns the command. */
  interface Owner {
    /** Receives each transition, under the command's monitor, so one command's transitions arrive in order. */
    void transition(TrackedCommand command, @Nullable CommandStatus previous, CommandStatus status, Instant at,
        @Nullable CommandOutcome outcome);

    /**
     * Receives an event that does not change the status (a retry scheduled, a fallback taken), under the
     * command's monitor like transitions.
     */
    void event(TrackedCommand command, CommandEvent.Kind kind, CommandStatus status, Instant at,
        CommandOutcome attemptOutcome, @Nullable Duration retryDelay);

    /** Completes the command {@link CommandStatus#CANCELLED}; {@code false} if it already had its outcome. */
    boolean cancel(TrackedCommand command);
  }

  private final String deviceId;
  private final Command command;
  private final DeliveryStrategy strategy;
  private final Owner owner;
  private final CompletableFuture<CommandOutcome> outcome = new CompletableFuture<>();
  private CommandStatus status = CommandStatus.QUEUED;
  /** Present while the command waits for feedback. */
  private @Nullable CompletableFuture<Optional<FeedbackRecord>> feedback;
  private TimeSource.@Nullable Cancellable feedbackTimer;
  /** The timer of the next attempt, while a retry is pending. */
  private TimeSource.@Nullable Cancellable retryTimer;
  private int attempts;
  private @Nullable Mechanism mechanism;

  TrackedCommand(String deviceId, Command command, DeliveryStrategy strategy, Owner owner) {
    this.deviceId = deviceId;
    this.command = command;
    this.strategy = strategy;
    this.owner = owner;
  }

  synchronized void announceQueued(Instant at) {
    owner.transition(this, null, CommandStatus.QUEUED, at, null);
  }

  /** QUEUED → SENT; ignored once the command has moved on. */
  synchronized void markSent(Instant at) {
    if (status == CommandStatus.QUEUED) {
      status = CommandStatus.SENT;
      owner.transition(this, CommandStatus.QUEUED, CommandStatus.SENT, at, null);
    }
  }

  /** Counts a new attempt by this mechanism (about to call the hub); returns its number, from 1. */
  synchronized int beginAttempt(Mechanism by) {
    mechanism = by;
    return ++attempts;
  }

  /** How many attempts were made so far. */
  synchronized int attempts() {
    return attempts;
  }

  /** A builder of this command's outcome: ids, status, detail, time, attempts and mechanism so far. */
  synchronized CommandOutcome.Builder outcomeBuilder(CommandStatus status, String detail, Instant at) {
    return CommandOutcome.builder().commandId(command.id()).deviceId(deviceId).status(status).detail(detail)
        .completedAt(at).attempts(attempts).mechanism(mechanism);
  }

  /** Publishes an event that does not change the status; nothing once the command is terminal. */
  synchronized void announce(CommandEvent.Kind kind, Instant at, CommandOutcome attemptOutcome,
      @Nullable Duration retryDelay) {
    if (!status.isTerminal()) {
      owner.event(this, kind, status, at, attemptOutcome, retryDelay);
    }
  }

  /**
   * Keeps the timer of the pending retry so that completing the command cancels it; cancels it at once if the
   * command is already terminal (cancelled or closed meanwhile).
   */
  void setRetryTimer(TimeSource.Cancellable timer) {
    boolean terminal;
    synchronized (this) {
      terminal = status.isTerminal();
      retryTimer = terminal ? null : timer;
    }
    if (terminal) {
      timer.cancel();
    }
  }

  /** The retry timer fired: forget it. */
  synchronized void retryStarted() {
    retryTimer = null;
  }

  /**
   * Ends the wait for feedback registered as {@code future} (its send failed, so no feedback will come): the
   * timer is cancelled and a later attempt may register a new wait.
   */
  void endFeedbackWait(CompletableFuture<Optional<FeedbackRecord>> future) {
    TimeSource.@Nullable Cancellable toCancel = null;
    synchronized (this) {
      if (feedback == future) {
        toCancel = feedbackTimer;
        feedback = null;
        feedbackTimer = null;
      }
    }
    if (toCancel != null) {
      toCancel.cancel();
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
    TimeSource.@Nullable Cancellable retry = null;
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
        retry = retryTimer;
        retryTimer = null;
        owner.transition(this, previous, result.status(), result.completedAt(), result);
      }
    } finally { // whatever a listener threw, the call that made the command terminal releases and completes it
      if (madeTerminal) {
        if (toCancel != null) {
          toCancel.cancel();
        }
        if (retry != null) {
          retry.cancel(); // a cancelled or closed command schedules no more attempts
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

  @Override
  public Optional<CommandOutcome> awaitOutcome(Duration limit) {
    Validation.notNegative("limit", limit);
    try {
      return Optional.of(outcome.get(limit.toNanos(), TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the outcome of command " + command.id(), e);
    } catch (ExecutionException e) { // never: the outcome future only ever completes normally
      throw new IllegalStateException("the outcome of command " + command.id() + " failed", e.getCause());
    }
  }

  @Override
  public boolean cancel() {
    return owner.cancel(this);
  }

  /** Whether the command already has its outcome; a delivery checks it before each call to the hub. */
  boolean isDone() {
    return outcome.isDone();
  }

  CompletableFuture<CommandOutcome> outcomeFuture() {
    return outcome;
  }

  @Override
  public String toString() {
    return "CommandHandle{commandId=" + command.id() + ", deviceId=" + deviceId + ", status=" + status() + '}';
  }
}
