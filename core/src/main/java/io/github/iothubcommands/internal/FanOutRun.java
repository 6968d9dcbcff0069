package io.github.iothubcommands.internal;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandHandle;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.FanOut;
import io.github.iothubcommands.FanOutHandle;
import io.github.iothubcommands.FanOutProgress;
import io.github.iothubcommands.FanOutRateChange;
import io.github.iothubcommands.FanOutResult;
import io.github.iothubcommands.FanOutSummary;
import io.github.iothubcommands.FanOutSummary.End;
import io.github.iothubcommands.HubError;
import io.github.iothubcommands.SequencePlan;
import io.github.iothubcommands.SequenceResult;
import io.github.iothubcommands.SequenceResult.StepResult;
import io.github.iothubcommands.spi.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link FanOut}. A drain loop (one thread at a time, entered through {@link #pump()}) takes device ids
 * only when a slot is free and the pace allows, so the source is read lazily and at most {@code concurrency}
 * devices are held. Pacing uses one timer at a time on the client's time source, progress one more; the rate is
 * an {@link AimdRate}. Completions may arrive on any thread, even inside the drain (a synchronous transport):
 * they update the counts under this object's lock, call the listener outside it, then pump again.
 */
final class FanOutRun implements FanOutHandle {
  private static final Logger LOG = LoggerFactory.getLogger(FanOutRun.class);
  /** How far behind its schedule the pace may catch up: 100 ms of sends. */
  private static final double CATCH_UP_NANOS = 100e6;
  /** The shortest wait the pacing timer is armed for: 1 ms. */
  private static final long MIN_TIMER_NANOS = 1_000_000;

  /** One device taken from the source and without a result yet. */
  private static final class Active {
    final String deviceId;
    int attempts = 1;
    long sentAt;
    @Nullable CommandHandle handle;
    @Nullable CompletableFuture<SequenceResult> plan;

    Active(String deviceId) {
      this.deviceId = deviceId;
    }
  }

  private final FanOut spec;
  private final DefaultCommandClient client;
  private final TimeSource time;
  private final Iterator<String> ids;
  private final Instant startedAt;
  private final AtomicInteger wip = new AtomicInteger();
  private final CompletableFuture<FanOutSummary> summary = new CompletableFuture<>();
  private final @Nullable Command command;
  private final @Nullable DeliveryStrategy strategy;

  // Guarded by this.
  private final AimdRate rate;
  private final Set<Active> active = new HashSet<>();
  private final ArrayDeque<Active> resend = new ArrayDeque<>();
  private long started;
  private long succeeded;
  private long failed;
  private long cancelled;
  private long throttled;
  private long notified;
  private boolean sourceDone;
  private @Nullable End end;
  private @Nullable RuntimeException sourceFailure;
  private boolean finished;
  /** When the next device may start, in nanoseconds since the start. */
  private double nextSlot;
  private TimeSource.@Nullable Cancellable pacingTimer;
  private long pacingDue;
  private TimeSource.@Nullable Cancellable progressTimer;
  private double lastDecreasedTo;

  FanOutRun(FanOut spec, DefaultCommandClient client, TimeSource time) {
    this.spec = spec;
    this.client = client;
    this.time = time;
    this.ids = spec.deviceIds().iterator();
    this.startedAt = time.now();
    this.command = spec.command();
    this.strategy = spec.strategy();
    this.rate = new AimdRate(spec.ratePerSecond(), FanOut.MIN_RATE_FRACTION, spec.decreaseFactor(),
        spec.increasePerSecond());
  }

  FanOutRun start() {
    Duration interval = spec.progressInterval();
    if (interval != null) {
      synchronized (this) {
        progressTimer = time.schedule(interval, this::progressTick);
      }
    }
    pump();
    return this;
  }

  @Override
  public FanOutProgress progress() {
    synchronized (this) {
      return snapshot(nanos(time.now()));
    }
  }

  @Override
  public boolean stop() {
    synchronized (this) {
      if (finished || end != null || sourceDone) {
        return false;
      }
      end = End.STOPPED;
    }
    pump();
    return true;
  }

  @Override
  public boolean cancel() {
    List<FanOutResult> waiting = new ArrayList<>();
    List<CommandHandle> inFlight = new ArrayList<>();
    List<CompletableFuture<SequenceResult>> plans = new ArrayList<>();
    synchronized (this) {
      if (finished || end == End.CANCELLED || end == End.CLIENT_CLOSED) {
        return false;
      }
      end = End.CANCELLED;
      endWaiting("fan-out cancelled while the device waited to be resent after a 429", CommandStatus.CANCELLED,
          waiting);
      for (Active a : active) {
        if (a.handle != null) {
          inFlight.add(a.handle);
        }
        if (a.plan != null) {
          plans.add(a.plan);
        }
      }
    }
    waiting.forEach(this::deliver);
    for (CommandHandle h : inFlight) {
      h.cancel(); // its outcome arrives through the normal completion path
    }
    for (CompletableFuture<SequenceResult> p : plans) {
      p.cancel(false); // the plan runner cancels its running command and sends nothing more
    }
    pump();
    return true;
  }

  /** The client is closing: nothing more is sent; devices waiting to be resent end failed. */
  void clientClosed() {
    List<FanOutResult> waiting = new ArrayList<>();
    synchronized (this) {
      if (finished) {
        return;
      }
      if (end == null || end == End.STOPPED || end == End.SOURCE_FAILED) {
        end = End.CLIENT_CLOSED;
      }
      endWaiting("client closed while the device waited to be resent after a 429", CommandStatus.FAILED, waiting);
    }
    waiting.forEach(this::deliver);
    pump();
  }

  @Override
  public CompletableFuture<FanOutSummary> summary() {
    return summary.copy();
  }

  /** Runs the drain loop unless another thread is in it, in which case that thread runs it once more. */
  private void pump() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      try {
        drain();
      } catch (RuntimeException | LinkageError | AssertionError e) { // never leave the loop locked
        LOG.error("Fan-out drain failed; devices in flight still finish", e);
      }
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  private void drain() {
    FanOutSummary ended = null;
    for (;;) {
      long now = nanos(time.now());
      Active next;
      boolean waitForSlot;
      FanOutRateChange recovered = null;
      synchronized (this) {
        if (finished) {
          return;
        }
        boolean resending = !resend.isEmpty();
        boolean taking = end == null && !sourceDone && active.size() + resend.size() < spec.concurrency();
        if (!resending && !taking) {
          ended = finishIfDone(now);
          break;
        }
        waitForSlot = now < nextSlot;
        if (waitForSlot && resending) {
          armPacingTimer((long) Math.ceil(nextSlot), now);
          return;
        }
        next = resending && !waitForSlot ? resend.poll() : null;
      }
      if (waitForSlot) { // only new ids wait: if the source is done, end now rather than at the next slot
        if (hasNext()) {
          synchronized (this) {
            armPacingTimer((long) Math.ceil(nextSlot), now);
          }
          return;
        }
        continue;
      }
      if (next == null) {
        next = take();
        if (next == null) {
          continue; // the source ended, failed or gave an invalid id: look again
        }
      }
      FanOutResult abandoned = null;
      synchronized (this) {
        if (end == End.CANCELLED || end == End.CLIENT_CLOSED) { // ended while this device was being taken
          abandoned = count(unsent(next, end == End.CANCELLED ? CommandStatus.CANCELLED : CommandStatus.FAILED,
              end == End.CANCELLED ? "fan-out cancelled before the device was sent" : "client closed before the "
                  + "device was sent"));
        }
      }
      if (abandoned != null) {
        deliver(abandoned);
        continue;
      }
      synchronized (this) {
        double interval = 1e9 / rate.at(now);
        // a late timer (wall clock) may catch up on slots it missed, up to CATCH_UP_NANOS of them; an idle
        // spell (every slot taken) earns no more than that, so the hub never sees a burst above it
        nextSlot = Math.max(nextSlot, now - Math.max(interval, CATCH_UP_NANOS)) + interval;
        if (rate.recovered(now)) {
          recovered = FanOutRateChange.of(time.now(), lastDecreasedTo, rate.ceiling(),
              FanOutRateChange.Reason.RECOVERED);
        }
        next.sentAt = now;
        active.add(next);
      }
      if (recovered != null) {
        emit(recovered);
      }
      dispatch(next);
    }
    if (ended != null) {
      finish(ended, nanos(time.now()));
    }
  }

  /** Whether the source has another id; marks it done (or failed) when not. Drain only. */
  private boolean hasNext() {
    try {
      if (ids.hasNext()) {
        return true;
      }
      synchronized (this) {
        sourceDone = true;
      }
    } catch (RuntimeException e) {
      sourceFailed(e);
    }
    return false;
  }

  private void sourceFailed(RuntimeException e) {
    long taken;
    synchronized (this) {
      sourceDone = true;
      if (end == null) {
        end = End.SOURCE_FAILED;
        sourceFailure = e;
      }
      taken = started;
    }
    LOG.warn("Fan-out: the source of device ids failed after {} devices; no more are started", taken, e);
  }

  /** Takes the next id from the source; an invalid one ends at once (failed, without a slot). Drain only. */
  private @Nullable Active take() {
    if (!hasNext()) {
      return null;
    }
    String id;
    try {
      id = ids.next();
    } catch (RuntimeException e) {
      sourceFailed(e);
      return null;
    }
    synchronized (this) {
      started++;
    }
    String deviceId = String.valueOf(id);
    if (!spec.size().isPresent()) { // a collection was checked whole up front
      try {
        Validation.deviceId(id);
      } catch (IllegalArgumentException e) {
        deliver(count(unsent(new Active(deviceId), CommandStatus.FAILED, "not sent: " + e.getMessage())));
        return null;
      }
    }
    return new Active(deviceId);
  }

  private void dispatch(Active a) {
    try {
      if (command != null) {
        CommandHandle h = client.sendAsync(a.deviceId, spec.commandFor(a.deviceId), Objects.requireNonNull(strategy));
        boolean cancelNow;
        synchronized (this) {
          cancelNow = active.contains(a) && end == End.CANCELLED;
          a.handle = h;
        }
        h.outcome().whenComplete((o, e) -> onCommandDone(a, o != null ? o : failure(a, e)));
        if (cancelNow) {
          h.cancel();
        }
      } else {
        CompletableFuture<SequenceResult> plan = client.runAsync(spec.planFor(a.deviceId));
        boolean cancelNow;
        synchronized (this) {
          cancelNow = active.contains(a) && end == End.CANCELLED;
          a.plan = plan;
        }
        plan.whenComplete((r, e) -> {
          if (r != null) {
            onPlanDone(a, r);
          } else if (e instanceof CancellationException) { // this fan-out's cancel(): the runner makes no result
            done(a, false, false, () -> FanOutResult.ofCancelledPlan(a.deviceId, a.attempts));
          } else {
            onPlanDone(a, failedPlan(a, CommandStatus.FAILED, "plan failed: " + describe(e)));
          }
        });
        if (cancelNow) {
          plan.cancel(false);
        }
      }
    } catch (RuntimeException e) { // refused before anything was sent
      if (client.isClosed()) {
        synchronized (this) {
          if (end == null || end == End.STOPPED || end == End.SOURCE_FAILED) {
            end = End.CLIENT_CLOSED;
          }
        }
      }
      FanOutResult r = unsent(a, CommandStatus.FAILED, "not sent: " + e.getMessage());
      synchronized (this) {
        if (!active.remove(a)) {
          return;
        }
        count(r);
      }
      deliver(r);
      pump();
    }
  }

  private void onCommandDone(Active a, CommandOutcome outcome) {
    boolean wasThrottled = outcome.hubError().orElse(null) == HubError.THROTTLED;
    done(a, wasThrottled, () -> FanOutResult.ofCommand(outcome, a.attempts));
  }

  private void onPlanDone(Active a, SequenceResult result) {
    StepResult stopped = result.failedStep().orElse(null);
    boolean wasThrottled = stopped != null
        && stopped.outcome().flatMap(CommandOutcome::hubError).orElse(null) == HubError.THROTTLED;
    boolean firstStep = stopped != null && stopped.index() == 0;
    done(a, wasThrottled, firstStep, () -> FanOutResult.ofPlan(result, a.attempts));
  }

  private void done(Active a, boolean wasThrottled, Supplier<FanOutResult> result) {
    done(a, wasThrottled, true, result);
  }

  /** A device's send ended: resend it after a 429 (if it may), else count and report its result. */
  private void done(Active a, boolean wasThrottled, boolean mayResend,
      Supplier<FanOutResult> result) {
    FanOutRateChange change = null;
    FanOutResult r = null;
    synchronized (this) {
      if (!active.remove(a)) {
        return; // already ended (cannot happen twice for one send; defensive)
      }
      long now = nanos(time.now());
      if (wasThrottled) {
        throttled++;
        double from = rate.throttled(a.sentAt, now);
        if (from >= 0) {
          lastDecreasedTo = rate.at(now);
          change = FanOutRateChange.of(time.now(), from, lastDecreasedTo, FanOutRateChange.Reason.THROTTLED);
        }
      }
      boolean again = wasThrottled && mayResend && a.attempts < spec.maxThrottledAttempts()
          && (end == null || end == End.STOPPED || end == End.SOURCE_FAILED);
      if (again) {
        a.attempts++;
        a.handle = null;
        resend.add(a);
      } else {
        r = count(result.get());
      }
    }
    if (change != null) {
      emit(change);
    }
    if (r != null) {
      deliver(r);
    }
    pump();
  }

  /** Lock held, or the result is for a device no other thread knows. Counts a result. */
  private synchronized FanOutResult count(FanOutResult r) {
    if (r.cancelled()) {
      cancelled++;
    } else if (r.succeeded()) {
      succeeded++;
    } else {
      failed++;
    }
    return r;
  }

  /** Calls the result listener, then counts the result as reported (the summary waits for that). */
  private void deliver(FanOutResult r) {
    call(spec.onResult(), r, "onResult");
    FanOutProgress p = null;
    synchronized (this) {
      notified++;
      int every = spec.progressEveryResults();
      if (every > 0 && notified % every == 0) {
        p = snapshot(nanos(time.now()));
      }
    }
    if (p != null) {
      call(spec.onProgress(), p, "onProgress");
    }
  }

  /** Lock held. Ends every device waiting to be resent, into {@code out}. */
  private void endWaiting(String detail, CommandStatus status, List<FanOutResult> out) {
    for (Active a; (a = resend.poll()) != null; ) {
      out.add(count(unsent(a, status, detail)));
    }
  }

  /**
   * Lock held. Once nothing can start and every result was reported, marks the run finished, stops its timers
   * and returns the summary; else null.
   */
  private @Nullable FanOutSummary finishIfDone(long now) {
    if (!(sourceDone || end != null) || !active.isEmpty() || !resend.isEmpty() || notified != started) {
      return null;
    }
    finished = true;
    if (pacingTimer != null) {
      pacingTimer.cancel();
      pacingTimer = null;
    }
    if (progressTimer != null) {
      progressTimer.cancel();
      progressTimer = null;
    }
    End e = end != null ? end : End.COMPLETED;
    return FanOutSummary.of(e, startedAt, time.now(), started, succeeded, failed, cancelled, throttled,
        spec.size(), e == End.SOURCE_FAILED ? sourceFailure : null);
  }

  /** Not under the lock: the last progress event, then the summary (whose dependents may do anything). */
  private void finish(FanOutSummary s, long now) {
    client.fanOutEnded(this);
    if (spec.progressInterval() != null || spec.progressEveryResults() > 0) {
      FanOutProgress last;
      synchronized (this) {
        last = snapshot(now);
      }
      call(spec.onProgress(), last, "onProgress");
    }
    summary.complete(s);
  }

  /**
   * Lock held. Arms the one pacing timer for the next slot (at least a millisecond ahead: the slots due by
   * then go out together, within the catch-up), unless it is already armed at or before then.
   */
  private void armPacingTimer(long slot, long now) {
    long due = Math.max(slot, now + MIN_TIMER_NANOS); // at high rates, one timer per millisecond, not per send
    if (pacingTimer != null && pacingDue <= due) {
      return;
    }
    if (pacingTimer != null) {
      pacingTimer.cancel();
    }
    pacingDue = due;
    pacingTimer = time.schedule(Duration.ofNanos(Math.max(0, due - now)), () -> {
      synchronized (this) {
        pacingTimer = null;
      }
      pump();
    });
  }

  private void progressTick() {
    FanOutProgress p;
    synchronized (this) {
      if (finished) {
        return;
      }
      p = snapshot(nanos(time.now()));
      progressTimer = time.schedule(Objects.requireNonNull(spec.progressInterval()), this::progressTick);
    }
    call(spec.onProgress(), p, "onProgress");
  }

  /** Lock held. */
  private FanOutProgress snapshot(long now) {
    return FanOutProgress.of(time.now(), started, succeeded, failed, cancelled, throttled, spec.size(),
        rate.at(now));
  }

  private void emit(FanOutRateChange change) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("Fan-out pace {}: {}/s -> {}/s", change.reason(), change.fromPerSecond(), change.toPerSecond());
    }
    call(spec.onRateChange(), change, "onRateChange");
  }

  private <T> void call(Consumer<T> listener, T event, String what) {
    try {
      listener.accept(event);
    } catch (RuntimeException | LinkageError | AssertionError e) { // a failing test assertion included
      LOG.warn("Fan-out {} listener failed on {}", what, event, e);
    }
  }

  private long nanos(Instant now) {
    return Duration.between(startedAt, now).toNanos();
  }

  /** The result of a device that ends without (another) send. */
  private FanOutResult unsent(Active a, CommandStatus status, String detail) {
    return command != null ? failedResult(a.deviceId, status, detail, a.attempts)
        : FanOutResult.ofPlan(failedPlan(a, status, detail), a.attempts);
  }

  private FanOutResult failedResult(String deviceId, CommandStatus status, String detail, int attempts) {
    Command c = Objects.requireNonNull(command);
    return FanOutResult.ofCommand(CommandOutcome.builder().commandId(FanOut.deviceCommandId(c.id(), deviceId))
        .deviceId(deviceId).status(status).detail(detail).completedAt(time.now()).build(), attempts);
  }

  private CommandOutcome failure(Active a, @Nullable Throwable e) {
    return Objects.requireNonNull(failedResult(a.deviceId, CommandStatus.FAILED, "outcome failed: " + describe(e),
        a.attempts).outcome().orElse(null));
  }

  /** A plan result whose first step ended with this status, unsent, and the rest did not run. */
  private SequenceResult failedPlan(Active a, CommandStatus status, String detail) {
    List<SequencePlan.Step> steps;
    try {
      steps = spec.planFor(a.deviceId).steps();
    } catch (IllegalArgumentException e) { // an invalid device id: report the template's steps
      steps = Objects.requireNonNull(spec.plan()).steps();
    }
    Instant now = time.now();
    List<StepResult> results = new ArrayList<>(steps.size());
    for (int i = 0; i < steps.size(); i++) {
      SequencePlan.Step step = steps.get(i);
      StepResult.Builder b = StepResult.builder(i, step);
      if (i == 0) {
        b.status(SequenceResult.StepStatus.FAILED).detail(detail).ran(CommandOutcome.builder()
            .commandId(step.command().id()).deviceId(a.deviceId).status(status).detail(detail).completedAt(now)
            .build(), now, now);
      } else {
        b.status(SequenceResult.StepStatus.NOT_RUN).detail("the plan ended at step 0");
      }
      results.add(b.build());
    }
    return SequenceResult.builder().deviceId(a.deviceId).status(SequenceResult.Status.FAILED)
        .detail("step 0 (" + steps.get(0).command().name() + ") " + detail).startedAt(now).finishedAt(now)
        .steps(results).build();
  }

  private static String describe(@Nullable Throwable e) {
    return e == null ? "no result" : e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
