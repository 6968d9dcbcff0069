package io.github.iothubcommands.reactor.internal;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandEvent;
import io.github.iothubcommands.CommandHandle;
import io.github.iothubcommands.CommandListener;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.FanOut;
import io.github.iothubcommands.FeedbackListener;
import io.github.iothubcommands.SequencePlan;
import io.github.iothubcommands.SequenceResult;
import io.github.iothubcommands.reactor.ReactiveCommandClient;
import io.github.iothubcommands.reactor.ReactorTimeSource;
import io.github.iothubcommands.spi.FeedbackRecord;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** The reactive client: futures and listeners of one command client, as publishers. */
public final class DefaultReactiveCommandClient implements ReactiveCommandClient {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultReactiveCommandClient.class);

  private final CommandClient client;
  private final Hooks hooks;
  private final @Nullable ReactorTimeSource ownedTime;

  public DefaultReactiveCommandClient(CommandClient client, Hooks hooks, @Nullable ReactorTimeSource ownedTime) {
    this.client = client;
    this.hooks = hooks;
    this.ownedTime = ownedTime;
  }

  @Override
  public Mono<CommandOutcome> send(String deviceId, Command command, DeliveryStrategy strategy) {
    notNull("deviceId", deviceId);
    notNull("command", command);
    notNull("strategy", strategy);
    return Mono.create(sink -> {
      CommandHandle handle = client.sendAsync(deviceId, command, strategy); // throws into the sink: onError
      sink.onCancel(handle::cancel);
      handle.outcome().thenAccept(sink::success);
    });
  }

  @Override
  public Flux<CommandEvent> sendWithEvents(String deviceId, Command command, DeliveryStrategy strategy) {
    notNull("deviceId", deviceId);
    notNull("command", command);
    notNull("strategy", strategy);
    return Flux.defer(() -> {
      String id = command.id();
      Sinks.Many<CommandEvent> sink = Sinks.many().unicast().onBackpressureBuffer();
      if (hooks.watched.putIfAbsent(id, sink) != null) {
        return Flux.error(new IllegalStateException("command id '" + id + "' is already in flight on this "
            + "client; ids are idempotency keys: build a new Command or wait for the first one's outcome"));
      }
      CommandHandle handle;
      try {
        handle = client.sendAsync(deviceId, command, strategy);
      } catch (RuntimeException e) {
        hooks.watched.remove(id, sink);
        return Flux.error(e);
      }
      return sink.asFlux().doOnCancel(() -> {
        hooks.watched.remove(id, sink);
        handle.cancel();
      });
    });
  }

  @Override
  public Flux<SequenceResult.StepResult> run(SequencePlan plan) {
    return runForResult(plan).flatMapIterable(SequenceResult::steps);
  }

  @Override
  public Mono<SequenceResult> runForResult(SequencePlan plan) {
    notNull("plan", plan);
    // Mono.fromFuture cancels the future when the subscription is cancelled, which cancels the plan.
    return Mono.fromFuture(() -> client.runAsync(plan));
  }

  @Override
  public Flux<CommandOutcome> fanOut(Publisher<String> deviceIds, Function<String, Command> commandForDevice,
      DeliveryStrategy strategy, int concurrency) {
    notNull("deviceIds", deviceIds);
    notNull("commandForDevice", commandForDevice);
    notNull("strategy", strategy);
    checkConcurrency(concurrency);
    return fanOut(deviceIds, id -> send(id, commandForDevice.apply(id), strategy), concurrency);
  }

  @Override
  public Flux<CommandOutcome> fanOut(Publisher<String> deviceIds, Command template, DeliveryStrategy strategy,
      int concurrency) {
    notNull("template", template);
    if (template.id().length() > FanOut.MAX_TEMPLATE_ID_LENGTH) {
      throw new IllegalArgumentException("template.id must be at most " + FanOut.MAX_TEMPLATE_ID_LENGTH
          + " characters in a fan-out (each device's id appends " + FanOut.DEVICE_SUFFIX_LENGTH + "), but was "
          + template.id().length() + " characters ('" + template.id() + "')");
    }
    return fanOut(deviceIds, id -> template.toBuilder().id(FanOut.deviceCommandId(template.id(), id)).build(),
        strategy, concurrency);
  }

  @Override
  public Flux<SequenceResult> fanOutPlan(Publisher<String> deviceIds, Function<String, SequencePlan> planForDevice,
      int concurrency) {
    notNull("deviceIds", deviceIds);
    notNull("planForDevice", planForDevice);
    checkConcurrency(concurrency);
    return fanOut(deviceIds, id -> runForResult(planForDevice.apply(id)), concurrency);
  }

  /**
   * {@code concurrency} ids requested, then one more per finished device: at most that many held. A refused
   * device (its publisher fails, or making it throws: deferred, so it fails as that device's publisher does)
   * fails the flux at once, cancelling the rest; a failing source only ends the intake, and its error follows
   * once the devices in flight have their results (one error kept, so memory stays flat).
   */
  private static <T> Flux<T> fanOut(Publisher<String> deviceIds, Function<String, Mono<T>> perDevice,
      int concurrency) {
    return Flux.defer(() -> {
      AtomicReference<@Nullable Throwable> sourceError = new AtomicReference<>();
      return Flux.from(deviceIds)
          .onErrorResume(e -> {
            sourceError.set(e);
            return Mono.empty();
          })
          .flatMap(id -> Mono.defer(() -> perDevice.apply(id)), concurrency, 1)
          .concatWith(Mono.defer(() -> {
            Throwable e = sourceError.get();
            return e == null ? Mono.empty() : Mono.error(e);
          }));
    });
  }

  @Override
  public Flux<FeedbackRecord> feedback() {
    return hooks.feedback.asFlux();
  }

  @Override
  public CommandClient commandClient() {
    return client;
  }

  @Override
  public void close() {
    try {
      client.close();
    } finally {
      hooks.closed();
      if (ownedTime != null) {
        ownedTime.close();
      }
    }
  }

  @Override
  public String toString() {
    return "ReactiveCommandClient{" + client + (ownedTime != null ? ", " + ownedTime : "") + '}';
  }

  private static void checkConcurrency(int concurrency) {
    if (concurrency < 1 || concurrency > FanOut.MAX_CONCURRENCY) {
      throw new IllegalArgumentException("concurrency must be between 1 and " + FanOut.MAX_CONCURRENCY
          + ", but was " + concurrency);
    }
  }

  private static void notNull(String field, @Nullable Object value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " must not be null");
    }
  }

  /**
   * What the reactive client registers on the command client builder before it is built: the command
   * listener that routes events to the subscribers watching a command, and the feedback listener behind the
   * hot feedback flux.
   */
  public static final class Hooks {
    /** Sinks of the commands a subscriber watches, by command id; removed at the terminal event or cancel. */
    final ConcurrentHashMap<String, Sinks.Many<CommandEvent>> watched = new ConcurrentHashMap<>();
    /** Hot: subscribers see what arrives after they subscribe; one without demand misses records. */
    final Sinks.Many<FeedbackRecord> feedback = Sinks.many().multicast().directBestEffort();

    public CommandListener events() {
      return this::onEvent;
    }

    public FeedbackListener feedback() {
      return this::onFeedback;
    }

    private void onEvent(CommandEvent event) {
      if (watched.isEmpty()) {
        return;
      }
      Sinks.Many<CommandEvent> sink = watched.get(event.commandId());
      if (sink == null) {
        return;
      }
      synchronized (sink) { // one command's events come in order, but not always on one thread
        sink.tryEmitNext(event);
        if (event.status().isTerminal()) {
          watched.remove(event.commandId(), sink);
          sink.tryEmitComplete();
        }
      }
    }

    private void onFeedback(FeedbackRecord record) {
      Sinks.EmitResult result;
      synchronized (feedback) { // the transport hands one batch at a time, but a sink wants serial calls
        result = feedback.tryEmitNext(record);
      }
      if (result.isFailure() && result != Sinks.EmitResult.FAIL_ZERO_SUBSCRIBER) {
        LOG.debug("Feedback record {} not emitted: {}", record.originalMessageId(), result);
      }
    }

    void closed() {
      synchronized (feedback) {
        feedback.tryEmitComplete();
      }
    }
  }
}
