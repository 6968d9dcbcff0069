package io.github.iothubcommands.internal;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandHandle;
import io.github.iothubcommands.CommandListener;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.FailurePolicy;
import io.github.iothubcommands.FanOut;
import io.github.iothubcommands.FanOutHandle;
import io.github.iothubcommands.FeedbackListener;
import io.github.iothubcommands.SequencePlan;
import io.github.iothubcommands.SequenceResult;
import io.github.iothubcommands.spi.BlockingMethodTransport;
import io.github.iothubcommands.spi.FeedbackSubscription;
import io.github.iothubcommands.spi.HubTransport;
import io.github.iothubcommands.spi.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The command client: validates, turns each strategy into its {@link Delivery}, runs it, and leaves
 * correlation, transitions and the single terminal outcome to the {@link CommandTracker}.
 */
public final class DefaultCommandClient implements CommandClient {
  /** A valid device id to check a fan-out's template against before any device is taken. */
  private static final String TEMPLATE_DEVICE = "fan-out-template";
  private final HubTransport transport;
  private final TimeSource time;
  private final Duration feedbackWindow;
  private final CommandTracker tracker;
  private final Attempts attempts;
  private final Deliveries deliveries;
  private final FeedbackSubscription feedback;
  /** The wall-clock timer this client made for itself, stopped at close; null when the time source was given. */
  private final @Nullable SystemTimeSource ownedTime;
  private volatile boolean closed;
  /** Fan-outs not yet ended, told when the client closes. */
  private final Set<FanOutRun> fanOuts = ConcurrentHashMap.newKeySet();

  public DefaultCommandClient(HubTransport transport, TimeSource time, @Nullable SystemTimeSource ownedTime,
      Duration feedbackWindow, List<CommandListener> listeners, @Nullable RandomGenerator random,
      List<FeedbackListener> feedbackListeners) {
    this.transport = transport;
    this.time = time;
    this.ownedTime = ownedTime;
    this.feedbackWindow = feedbackWindow;
    this.tracker = new InProcessTracker(time, listeners);
    this.attempts = new Attempts(transport, time, tracker, feedbackWindow, random);
    this.deliveries = new Deliveries(attempts);
    FeedbackSubscription subscription = transport.startFeedback(FeedbackTap.of(tracker, feedbackListeners));
    this.feedback = subscription != null ? subscription : () -> { };
  }

  @Override
  public CommandHandle sendAsync(String deviceId, Command command, DeliveryStrategy strategy) {
    return submit(deviceId, command, strategy, check(deviceId, command, strategy));
  }

  /**
   * The caller waits here anyway, so a plain direct method on a transport that can block runs on the caller's
   * thread (no hand-off to a transport thread and back); everything else goes the asynchronous way.
   */
  @Override
  public CommandOutcome send(String deviceId, Command command, DeliveryStrategy strategy) {
    Delivery delivery = check(deviceId, command, strategy);
    if (delivery instanceof DirectMethodDelivery method && transport instanceof BlockingMethodTransport blocking) {
      TrackedCommand t = track(deviceId, command, strategy);
      if (!t.isDone()) {
        CommandOutcome outcome;
        try {
          outcome = method.attemptBlocking(t, blocking);
        } catch (RuntimeException e) { // a bug below the SPI must still end the command
          outcome = attempts.failure(t, e);
        }
        tracker.complete(t, outcome);
      }
      return t.outcomeFuture().join(); // the winning outcome: this one, or a cancel or close that came first
    }
    return await(submit(deviceId, command, strategy, delivery).outcomeFuture(), "command " + command.id());
  }

  @Override
  public CompletableFuture<SequenceResult> runAsync(SequencePlan plan) {
    Validation.notNull("plan", plan);
    checkOpen();
    List<Delivery> steps = new ArrayList<>(plan.steps().size());
    List<@Nullable Delivery> compensations = new ArrayList<>(plan.steps().size());
    checkPlan(plan, steps, compensations);
    return new SequenceRun(plan, steps, compensations, this).start();
  }

  /**
   * Checks every command of a plan, compensations too, before the first is sent, adding each step's delivery
   * and each step's compensation delivery ({@code null} if it has none) to the lists.
   */
  private void checkPlan(SequencePlan plan, List<Delivery> steps, List<@Nullable Delivery> compensations) {
    for (SequencePlan.Step step : plan.steps()) {
      steps.add(check(plan.deviceId(), step.command(), step.strategy()));
      compensations.add(step.failurePolicy() instanceof FailurePolicy.Compensate c
          ? check(plan.deviceId(), c.command(), c.strategy()) : null);
    }
  }

  @Override
  public SequenceResult run(SequencePlan plan) {
    return await(runAsync(plan), "sequence for device " + plan.deviceId());
  }

  @Override
  public FanOutHandle fanOut(FanOut fanOut) {
    Validation.notNull("fanOut", fanOut);
    checkOpen();
    Command template = fanOut.command();
    if (template != null) {
      check(TEMPLATE_DEVICE, fanOut.commandFor(TEMPLATE_DEVICE), Objects.requireNonNull(fanOut.strategy()));
    } else { // the same checks runAsync makes, compensations included, so a bad plan fails here, not per device
      checkPlan(fanOut.planFor(TEMPLATE_DEVICE), new ArrayList<>(), new ArrayList<>());
    }
    FanOutRun run = new FanOutRun(fanOut, this, time);
    fanOuts.add(run);
    if (closed) { // close() raced with this call: the run ends at once, nothing sent
      run.clientClosed();
    }
    return run.start();
  }

  @Override
  public Duration feedbackWindow() {
    return feedbackWindow;
  }

  @Override
  public void close() {
    synchronized (this) { // two threads closing at once: one does the work
      if (closed) {
        return;
      }
      closed = true;
    }
    for (FanOutRun run : fanOuts) {
      run.clientClosed(); // before the commands in flight fail, so that nothing more is taken
    }
    feedback.close();
    tracker.failAll("client closed before the outcome was known");
    try {
      transport.close();
    } finally {
      if (ownedTime != null) {
        ownedTime.close();
      }
    }
  }

  /** Checks everything about a send and returns how it will be carried out; throws before anything is sent. */
  private Delivery check(String deviceId, Command command, DeliveryStrategy strategy) {
    Validation.deviceId(deviceId);
    Validation.notNull("command", command);
    Delivery delivery = Validation.notNull("strategy", strategy).accept(deliveries);
    delivery.check(command);
    return delivery;
  }

  /** Tracks and dispatches an already checked command. */
  TrackedCommand submit(String deviceId, Command command, DeliveryStrategy strategy, Delivery delivery) {
    TrackedCommand t = track(deviceId, command, strategy);
    if (t.isDone()) { // closed, or cancelled from another thread, before the transport was called: never sent
      return t;
    }
    // a bug below the SPI must still end the command: orFailure() turns it into an outcome
    attempts.start(delivery, t).whenComplete((outcome, error) -> tracker.complete(t,
        attempts.orFailure(t, outcome, error)));
    return t;
  }

  /** Starts tracking a command; if close() raced with it, it is already FAILED and must not be sent. */
  private TrackedCommand track(String deviceId, Command command, DeliveryStrategy strategy) {
    checkOpen();
    TrackedCommand t = tracker.track(deviceId, command, strategy);
    if (closed) { // close() raced with this send: it must still end in an outcome
      tracker.complete(t, t.outcomeBuilder(CommandStatus.FAILED, "client closed before the command was sent",
          time.now()).build());
    }
    return t;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("client is closed: build a new CommandClient");
    }
  }

  static <T> T await(Future<T> future, String what) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the outcome of " + what, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("waiting for the outcome of " + what + " failed", e.getCause());
    }
  }

  Instant now() {
    return time.now();
  }

  TimeSource.Cancellable schedule(Duration delay, Runnable task) {
    return time.schedule(delay, task);
  }

  boolean isClosed() {
    return closed;
  }

  void fanOutEnded(FanOutRun run) {
    fanOuts.remove(run);
  }

  /** Cancels a command as {@link CommandHandle#cancel()} does, with {@code detail} saying why. */
  boolean cancel(TrackedCommand command, String detail) {
    return tracker.complete(command, command.outcomeBuilder(CommandStatus.CANCELLED, detail, time.now()).build());
  }
}
