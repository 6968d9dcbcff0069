package io.github.iothubcommands.internal;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandEvent;
import io.github.iothubcommands.CommandListener;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.spi.FeedbackRecord;
import io.github.iothubcommands.spi.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The tracker for one application instance: commands in flight in a map keyed by command id. */
final class InProcessTracker implements CommandTracker, TrackedCommand.Owner {
  private static final Logger LOG = LoggerFactory.getLogger(InProcessTracker.class);
  private static final CompletableFuture<Void> TAKEN = CompletableFuture.completedFuture(null);

  private final TimeSource time;
  private final List<CommandListener> listeners;
  /** Commands without a terminal outcome, by command id (which is also the C2D message id). */
  private final ConcurrentHashMap<String, TrackedCommand> inFlight = new ConcurrentHashMap<>();

  InProcessTracker(TimeSource time, List<CommandListener> listeners) {
    this.time = time;
    this.listeners = listeners;
  }

  @Override
  public TrackedCommand track(String deviceId, Command command, DeliveryStrategy strategy) {
    TrackedCommand t = new TrackedCommand(deviceId, command, strategy, this);
    TrackedCommand existing;
    synchronized (t) { // QUEUED is published before anything (close() failing it, say) can complete it
      existing = inFlight.putIfAbsent(command.id(), t);
      if (existing == null) {
        t.announceQueued(time.now());
        return t;
      }
    }
    throw new IllegalStateException("command id '" + command.id() + "' is already in flight (to device "
        + existing.deviceId() + ", status " + existing.status() + "); ids are idempotency keys: build a new "
        + "Command or wait for the first one's outcome");
  }

  @Override
  public void markSent(TrackedCommand command) {
    command.markSent(time.now());
  }

  @Override
  public CompletableFuture<Optional<FeedbackRecord>> awaitFeedback(TrackedCommand command, Duration window) {
    CompletableFuture<Optional<FeedbackRecord>> future = new CompletableFuture<>();
    if (command.awaitFeedback(future)) {
      command.setFeedbackTimer(time.schedule(window, () -> future.complete(Optional.empty())));
    }
    return future;
  }

  @Override
  public boolean complete(TrackedCommand command, CommandOutcome outcome) {
    return command.complete(outcome, () -> inFlight.remove(command.commandId(), command));
  }

  @Override
  public boolean cancel(TrackedCommand command) {
    return complete(command, command.outcomeBuilder(CommandStatus.CANCELLED, "cancelled by the caller", time.now())
        .build());
  }

  @Override
  public void failAll(String detail) {
    for (TrackedCommand t : inFlight.values()) {
      complete(t, t.outcomeBuilder(CommandStatus.FAILED, detail, time.now()).build());
    }
  }

  /** Correlates each record to the command waiting for it; records this instance does not track are taken too. */
  @Override
  public CompletionStage<Void> receive(List<FeedbackRecord> batch) {
    for (FeedbackRecord record : batch) {
      TrackedCommand t = inFlight.get(record.originalMessageId());
      CompletableFuture<Optional<FeedbackRecord>> waiter =
          t == null || !t.deviceId().equals(record.deviceId()) ? null : t.feedbackWaiter();
      if (waiter == null) {
        LOG.debug("Feedback for a message this client is not tracking: originalMessageId={}, deviceId={}, status={}",
            record.originalMessageId(), record.deviceId(), record.status());
        continue;
      }
      t.markSent(time.now()); // feedback proves the hub accepted it, even if the send's answer is still on its way
      waiter.complete(Optional.of(record));
    }
    return TAKEN;
  }

  @Override
  public void transition(TrackedCommand command, @Nullable CommandStatus previous, CommandStatus status, Instant at,
      @Nullable CommandOutcome outcome) {
    boolean debug = LOG.isDebugEnabled();
    if (listeners.isEmpty() && !debug) {
      return; // nothing built per event when nobody looks
    }
    try (MDC.MDCCloseable d = MDC.putCloseable("deviceId", command.deviceId());
        MDC.MDCCloseable c = MDC.putCloseable("commandId", command.commandId())) {
      if (debug) {
        LOG.debug("Command {} {} -> {}", command.commandId(), previous, status);
      }
      if (listeners.isEmpty()) {
        return;
      }
      publish(CommandEvent.builder().commandId(command.commandId()).deviceId(command.deviceId())
          .previous(previous).status(status).at(at).outcome(outcome).attempt(command.attempts()).build());
    }
  }

  /** Retries and fallbacks are rare and worth a line each: INFO, with the failed attempt's status and error. */
  @Override
  public void event(TrackedCommand command, CommandEvent.Kind kind, CommandStatus status, Instant at,
      CommandOutcome attemptOutcome, @Nullable Duration retryDelay) {
    boolean info = LOG.isInfoEnabled();
    if (listeners.isEmpty() && !info) {
      return;
    }
    try (MDC.MDCCloseable d = MDC.putCloseable("deviceId", command.deviceId());
        MDC.MDCCloseable c = MDC.putCloseable("commandId", command.commandId())) {
      int attempt = command.attempts();
      if (info) {
        if (kind == CommandEvent.Kind.RETRY_SCHEDULED) {
          LOG.info("Command {} attempt {} ended {} ({}): retrying in {} ms", command.commandId(), attempt,
              attemptOutcome.status(), attemptOutcome.hubError().map(Enum::name).orElse("no hub error"),
              retryDelay == null ? 0 : retryDelay.toMillis());
        } else {
          LOG.info("Command {} attempt {} ended {}: falling back to a cloud-to-device message", command.commandId(),
              attempt, attemptOutcome.status());
        }
      }
      if (!listeners.isEmpty()) {
        publish(CommandEvent.builder().kind(kind).commandId(command.commandId()).deviceId(command.deviceId())
            .previous(status).status(status).at(at).attempt(attempt).attemptOutcome(attemptOutcome)
            .retryDelay(retryDelay).build());
      }
    }
  }

  private void publish(CommandEvent event) {
    for (CommandListener listener : listeners) {
      try {
        listener.onEvent(event);
      } catch (RuntimeException | LinkageError | AssertionError e) { // a failing test assertion included
        LOG.warn("Command listener {} failed on {} {}", listener, event.kind(), event.status(), e);
      }
    }
  }

  /** For tests: how many commands are in flight. */
  int inFlightCount() {
    return inFlight.size();
  }
}
