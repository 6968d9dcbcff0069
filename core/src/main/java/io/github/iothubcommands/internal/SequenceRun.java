package io.github.iothubcommands.internal;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.FailurePolicy;
import io.github.iothubcommands.SequencePlan;
import io.github.iothubcommands.SequenceResult;
import io.github.iothubcommands.SequenceResult.CompensationResult;
import io.github.iothubcommands.SequenceResult.Status;
import io.github.iothubcommands.SequenceResult.StepResult;
import io.github.iothubcommands.SequenceResult.StepStatus;
import io.github.iothubcommands.spi.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Runs one plan: one command at a time (a step, or a compensation), each after the previous one's terminal
 * outcome. Three kinds of event move it on — a command's outcome, a step's (or compensation's) timeout, the
 * plan timeout — and all are decided under one lock; sending and cancelling happen outside it.
 *
 * <p>Retries are not done here: a step's strategy carries its retry policy and the delivery behind {@link
 * DefaultCommandClient#submit} runs every attempt under the one tracked command, so the step timeout (which
 * cancels that command) spans all attempts.
 */
final class SequenceRun {
  private final SequencePlan plan;
  private final List<Delivery> deliveries;
  private final List<@Nullable Delivery> compensations;
  private final DefaultCommandClient client;
  private final CompletableFuture<SequenceResult> result = new CompletableFuture<>();
  private final Object lock = new Object();
  /** Per step: its run, once started. */
  private final @Nullable Running[] stepRuns;
  /** Per step: its compensation's run, once started. */
  private final @Nullable Running[] compensationRuns;
  /** The steps whose compensation is due, in the order they run; empty unless a compensate policy fired. */
  private final List<Integer> compensationQueue = new ArrayList<>();
  private @Nullable Instant startedAt;
  private TimeSource.@Nullable Cancellable planTimer;
  private @Nullable Running current;
  private boolean planTimedOut;
  private boolean finished;
  /** What is left to do (send the next command, complete the result), run one after the other by one thread. */
  private final ArrayDeque<Runnable> actions = new ArrayDeque<>();
  private boolean acting;

  SequenceRun(SequencePlan plan, List<Delivery> deliveries, List<@Nullable Delivery> compensations,
      DefaultCommandClient client) {
    this.plan = plan;
    this.deliveries = deliveries;
    this.compensations = compensations;
    this.client = client;
    this.stepRuns = new Running[plan.steps().size()];
    this.compensationRuns = new Running[plan.steps().size()];
  }

  CompletableFuture<SequenceResult> start() {
    synchronized (lock) {
      startedAt = client.now();
    }
    Duration planTimeout = plan.planTimeout().orElse(null);
    if (planTimeout != null) {
      TimeSource.Cancellable timer = client.schedule(planTimeout, this::onPlanTimeout);
      boolean over;
      synchronized (lock) {
        over = finished;
        planTimer = timer;
      }
      if (over) {
        timer.cancel();
      }
    }
    result.whenComplete((ignored, error) -> {
      if (result.isCancelled()) {
        onCallerCancel();
      }
    });
    act(() -> launch(step(0)));
    return result;
  }

  /** The caller cancelled the result: the running command is cancelled, and nothing more is sent. */
  private void onCallerCancel() {
    TrackedCommand handle;
    Running r;
    TimeSource.Cancellable timer;
    synchronized (lock) {
      if (finished) {
        return;
      }
      finished = true;
      timer = planTimer;
      planTimer = null;
      r = current;
      handle = r == null || r.done ? null : r.handle;
    }
    if (timer != null) {
      timer.cancel();
    }
    if (handle != null) {
      client.cancel(handle, cancelDetail(r, "was running when the caller cancelled the plan"));
    }
  }

  /**
   * Runs {@code action}, or queues it if another action of this plan is running: a step whose outcome is
   * known at once (a refused send, a fast fake hub) then leads to the next step without the stack growing
   * with every step.
   */
  private void act(Runnable action) {
    synchronized (lock) {
      actions.add(action);
      if (acting) {
        return;
      }
      acting = true;
    }
    while (true) {
      Runnable next;
      synchronized (lock) {
        next = actions.poll();
        if (next == null) {
          acting = false;
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException | Error e) { // a bug here must not leave the caller waiting forever
        synchronized (lock) {
          acting = false;
          actions.clear();
          finished = true;
        }
        result.completeExceptionally(new IllegalStateException("sequence for device " + plan.deviceId()
            + " failed", e));
        return;
      }
    }
  }

  /** One command of the plan in flight: a step, or the compensation of a step. */
  private static final class Running {
    final int step;
    final boolean compensation;
    final Command command;
    final DeliveryStrategy strategy;
    final Delivery delivery;
    final @Nullable Duration timeout;
    @Nullable Instant startedAt;
    @Nullable Instant finishedAt;
    @Nullable CommandOutcome outcome;
    @Nullable TrackedCommand handle;
    TimeSource.@Nullable Cancellable timer;
    /** Why a timeout cancelled it, once one did. */
    @Nullable String cancelReason;
    boolean timedOut;
    boolean done;
    @Nullable StepStatus status;
    String detail = "";

    Running(int step, boolean compensation, Command command, DeliveryStrategy strategy, Delivery delivery,
        @Nullable Duration timeout) {
      this.step = step;
      this.compensation = compensation;
      this.command = command;
      this.strategy = strategy;
      this.delivery = delivery;
      this.timeout = timeout;
    }
  }

  private Running step(int index) {
    SequencePlan.Step s = plan.steps().get(index);
    return new Running(index, false, s.command(), s.strategy(), deliveries.get(index), s.timeout().orElse(null));
  }

  private Running compensation(int index) {
    FailurePolicy.Compensate c = (FailurePolicy.Compensate) plan.steps().get(index).failurePolicy();
    Delivery delivery = compensations.get(index);
    if (delivery == null) {
      throw new IllegalStateException("step " + index + " has a compensate policy but no checked delivery");
    }
    return new Running(index, true, c.command(), c.strategy(), delivery, c.timeout().orElse(null));
  }

  private String name(int index) {
    return "step " + index + " (" + plan.steps().get(index).command().name() + ")";
  }

  private String planTimeoutReason() {
    return "the plan timeout of " + Validation.seconds(plan.planTimeout().orElseThrow()) + " passed";
  }

  private String stillRunningAtPlanTimeout() {
    return "was still running when " + planTimeoutReason();
  }

  /** Sends {@code r}'s command, unless the plan ended (or timed out) meanwhile. */
  private void launch(Running r) {
    Runnable instead;
    synchronized (lock) {
      if (finished) {
        return;
      }
      instead = planTimedOut ? finish(Status.TIMED_OUT, planTimeoutReason() + " before " + describe(r)) : null;
      if (instead == null) {
        current = r;
        r.startedAt = client.now();
        (r.compensation ? compensationRuns : stepRuns)[r.step] = r;
      }
    }
    if (instead != null) {
      instead.run();
      return;
    }
    TrackedCommand handle = null;
    CompletableFuture<CommandOutcome> outcome;
    try {
      handle = client.submit(plan.deviceId(), r.command, r.strategy, r.delivery);
      outcome = handle.outcomeFuture();
    } catch (RuntimeException e) { // the id is in flight elsewhere, or the client closed: this command fails
      outcome = CompletableFuture.completedFuture(CommandOutcome.builder().commandId(r.command.id())
          .deviceId(plan.deviceId()).status(CommandStatus.FAILED)
          .detail(describe(r) + " could not be sent: " + e.getMessage()).completedAt(client.now()).build());
    }
    String cancelNow;
    synchronized (lock) {
      r.handle = handle;
      cancelNow = r.cancelReason; // the plan timed out while it was being sent
      Duration timeout = r.timeout;
      if (cancelNow == null && timeout != null && handle != null && !outcome.isDone()) {
        r.timer = client.schedule(timeout, () -> onTimeout(r, "had no terminal outcome within its timeout of "
            + Validation.seconds(timeout)));
      }
    }
    if (cancelNow != null && handle != null) {
      client.cancel(handle, cancelDetail(r, cancelNow));
    }
    outcome.thenAccept(o -> act(() -> onDone(r, o)));
  }

  private String describe(Running r) {
    return r.compensation ? "the compensation of " + name(r.step) : name(r.step);
  }

  private void onTimeout(Running r, String reason) {
    TrackedCommand handle;
    synchronized (lock) {
      if (r.done || finished || r.cancelReason != null) {
        return;
      }
      r.cancelReason = reason;
      handle = r.handle;
    }
    if (handle != null) {
      client.cancel(handle, cancelDetail(r, reason));
    }
  }

  private String cancelDetail(Running r, String reason) {
    return "cancelled: " + describe(r) + " " + reason;
  }

  private void onPlanTimeout() {
    TrackedCommand handle = null;
    String reason = stillRunningAtPlanTimeout();
    Running r;
    synchronized (lock) {
      if (finished) {
        return;
      }
      planTimedOut = true;
      r = current;
      if (r != null && !r.done && r.cancelReason == null) {
        r.cancelReason = reason;
        handle = r.handle; // null while it is being sent: launch cancels it once sent
      }
    }
    if (handle != null) {
      client.cancel(handle, cancelDetail(r, reason));
    }
  }

  private void onDone(Running r, CommandOutcome outcome) {
    Runnable next;
    TimeSource.Cancellable timer;
    synchronized (lock) {
      if (r.done || finished) {
        return;
      }
      r.done = true;
      r.finishedAt = client.now();
      r.outcome = outcome;
      r.timedOut = r.cancelReason != null && outcome.status() == CommandStatus.CANCELLED;
      timer = r.timer;
      r.timer = null;
      next = r.compensation ? afterCompensation(r) : afterStep(r);
    }
    if (timer != null) {
      timer.cancel();
    }
    act(next);
  }

  /** Decides what follows a step's outcome; under the lock. */
  private Runnable afterStep(Running r) {
    CommandOutcome o = r.outcome;
    int i = r.step;
    boolean last = i + 1 == plan.steps().size();
    if (o != null && o.isSuccess()) {
      r.status = StepStatus.SUCCEEDED;
      if (last) {
        return finish(Status.SUCCEEDED, "every step succeeded" + (anySkipped() ? " or was skipped" : ""));
      }
      return planTimedOut ? finish(Status.TIMED_OUT, planTimeoutReason() + " after " + name(i))
          : () -> launch(step(i + 1));
    }
    String failure = name(i) + " " + failure(r);
    FailurePolicy policy = plan.steps().get(i).failurePolicy();
    if (planTimedOut) {
      r.status = StepStatus.FAILED;
      r.detail = failure;
      return finish(Status.TIMED_OUT, planTimeoutReason() + " during " + name(i));
    }
    if (client.isClosed()) { // no policy can help: nothing more can be sent
      r.status = StepStatus.FAILED;
      r.detail = failure;
      return finish(Status.FAILED, failure + "; the client is closed");
    }
    switch (policy.kind()) {
      case SKIP -> {
        r.status = StepStatus.SKIPPED;
        r.detail = failure + "; skipped (failure policy skip)";
        return last ? finish(Status.SUCCEEDED, "every step succeeded or was skipped") : () -> launch(step(i + 1));
      }
      case COMPENSATE -> {
        r.status = StepStatus.FAILED;
        r.detail = failure + "; compensating (failure policy compensate)";
        compensationQueue.add(i);
        for (int k = i - 1; k >= 0; k--) { // undo the earlier steps that succeeded, latest first
          Running earlier = stepRuns[k];
          if (earlier != null && earlier.status == StepStatus.SUCCEEDED
              && plan.steps().get(k).failurePolicy() instanceof FailurePolicy.Compensate) {
            compensationQueue.add(k);
          }
        }
        return () -> launch(compensation(i));
      }
      case STOP -> {
        r.status = StepStatus.FAILED;
        r.detail = failure;
        return finish(Status.FAILED, failure);
      }
      default -> throw new IllegalStateException("unknown failure policy " + policy);
    }
  }

  /** Decides what follows a compensation's outcome; under the lock. */
  private Runnable afterCompensation(Running r) {
    CommandOutcome o = r.outcome;
    int position = compensationQueue.indexOf(r.step);
    boolean last = position + 1 == compensationQueue.size();
    if (o != null && o.isSuccess()) {
      r.status = StepStatus.SUCCEEDED;
      if (last) {
        return finish(Status.COMPENSATED, name(compensationQueue.get(0)) + " failed; compensated "
            + (compensationQueue.size() == 1 ? "it" : "it and " + (compensationQueue.size() - 1) + " earlier step(s)"));
      }
      return planTimedOut ? finish(Status.TIMED_OUT, planTimeoutReason() + " after " + describe(r))
          : () -> launch(compensation(compensationQueue.get(position + 1)));
    }
    r.status = StepStatus.FAILED;
    r.detail = describe(r) + " " + failure(r);
    return planTimedOut ? finish(Status.TIMED_OUT, planTimeoutReason() + " during " + describe(r))
        : finish(Status.COMPENSATION_FAILED, r.detail);
  }

  private String failure(Running r) {
    CommandOutcome o = r.outcome;
    if (r.timedOut) {
      return "was cancelled: it " + r.cancelReason;
    }
    return o == null ? "failed" : "failed: " + o.status() + (o.detail().isEmpty() ? "" : " (" + o.detail() + ")");
  }

  private boolean anySkipped() {
    for (Running r : stepRuns) {
      if (r != null && r.status == StepStatus.SKIPPED) {
        return true;
      }
    }
    return false;
  }

  /** Ends the plan with {@code status}; under the lock. Returns what completes the caller's future. */
  private Runnable finish(Status status, String detail) {
    finished = true;
    TimeSource.Cancellable timer = planTimer;
    planTimer = null;
    Instant end = client.now();
    String notRun = "not run: " + (status == Status.SUCCEEDED ? "" : detail);
    List<StepResult> steps = new ArrayList<>(stepRuns.length);
    for (int i = 0; i < stepRuns.length; i++) {
      SequencePlan.Step step = plan.steps().get(i);
      Running run = stepRuns[i];
      StepResult.Builder b = StepResult.builder(i, step);
      if (run == null || run.status == null) {
        b.status(StepStatus.NOT_RUN).detail(notRun);
      } else {
        b.status(run.status).ran(run.outcome, run.startedAt, run.finishedAt).timedOut(run.timedOut)
            .detail(run.detail);
      }
      if (compensationQueue.contains(i)) {
        b.compensation(compensationResult(i, notRun));
      }
      steps.add(b.build());
    }
    SequenceResult r = SequenceResult.builder().deviceId(plan.deviceId()).status(status).detail(detail)
        .startedAt(startedAt).finishedAt(end).steps(steps).build();
    return () -> {
      if (timer != null) {
        timer.cancel();
      }
      result.complete(r);
    };
  }

  private CompensationResult compensationResult(int step, String notRun) {
    FailurePolicy.Compensate policy = (FailurePolicy.Compensate) plan.steps().get(step).failurePolicy();
    Running run = compensationRuns[step];
    CompensationResult.Builder b = CompensationResult.builder(policy);
    if (run == null || run.status == null) {
      return b.status(StepStatus.NOT_RUN).detail(notRun).build();
    }
    return b.status(run.status).ran(run.outcome, run.startedAt, run.finishedAt).timedOut(run.timedOut)
        .detail(run.detail).build();
  }
}
