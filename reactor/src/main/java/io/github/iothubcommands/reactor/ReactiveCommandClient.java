package io.github.iothubcommands.reactor;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandEvent;
import io.github.iothubcommands.CommandHandle;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.FanOut;
import io.github.iothubcommands.SequencePlan;
import io.github.iothubcommands.SequenceResult;
import io.github.iothubcommands.spi.FeedbackRecord;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Sends commands without blocking a thread: a command's terminal outcome as a {@link Mono}, its transitions,
 * a sequence plan's steps, a fan-out's per-device outcomes and the hub's feedback as {@link Flux}. Built with
 * {@link #builder()} over a {@link io.github.iothubcommands.CommandClientBuilder CommandClientBuilder}, which
 * also gives the blocking and {@code CompletableFuture} client ({@link #commandClient()}) on the same
 * connection.
 *
 * <pre>{@code
 * ReactiveCommandClient client = ReactiveCommandClient.builder()
 *     .commandClient(CommandClient.builder().transport(transport))
 *     .scheduler(Schedulers.parallel())
 *     .build();
 * Mono<CommandOutcome> outcome = client.send("thermostat-7", setTarget, DeliveryStrategy.directMethod());
 * }</pre>
 *
 * <p><b>A thin adapter.</b> The command client decides everything — validation, retries and their delays,
 * timeouts, fallback, a plan's failure policies, the single terminal outcome; this client only turns its
 * futures and listeners into publishers. With {@link ReactiveCommandClientBuilder#scheduler} set, every
 * timer the command client keeps runs on that Reactor scheduler ({@link ReactorTimeSource}).
 *
 * <p><b>Lazy and cancellable.</b> Nothing is sent until subscription; each subscription sends anew (a
 * second subscription to the same command while the first is in flight fails with {@link
 * IllegalStateException}: ids are idempotency keys). Cancelling a subscription cancels the command ({@link
 * CommandHandle#cancel()}): pending retries stop and its timers are released; a direct method already called
 * or a message the hub already queued cannot be called back.
 *
 * <p><b>Errors.</b> Hub errors, timeouts and rejections are outcomes, not errors. A publisher fails only when
 * the command cannot be sent at all: {@link IllegalArgumentException} for an invalid argument (nothing is
 * sent; a null argument is refused at once, when the publisher is made), {@link IllegalStateException} when
 * the id is in flight or the client is closed.
 *
 * <p><b>Threads.</b> Signals arrive on the thread that completed the command — the transport's, or the
 * scheduler's for timeouts; nothing here blocks. Add {@code publishOn} to move them.
 */
public interface ReactiveCommandClient extends AutoCloseable {

  /**
   * Starts a builder.
   *
   * @return a new builder
   */
  static ReactiveCommandClientBuilder builder() {
    return new ReactiveCommandClientBuilder();
  }

  /**
   * Sends a command on subscription and emits its terminal outcome.
   *
   * @param deviceId the target device
   * @param command the command
   * @param strategy how it travels
   * @return a mono of the outcome; cancelling it cancels the command
   * @throws IllegalArgumentException if an argument is null
   */
  Mono<CommandOutcome> send(String deviceId, Command command, DeliveryStrategy strategy);

  /**
   * Sends a command on subscription and emits every event it has, as {@link
   * io.github.iothubcommands.CommandClientBuilder#listener listeners} see them: first {@code QUEUED}, then its
   * transitions and any retry scheduled or fallback taken ({@link CommandEvent#kind()}), last the terminal
   * status, whose event carries the outcome; then completes. Events wait in a buffer for a slow
   * subscriber (a command makes a bounded number of them).
   *
   * @param deviceId the target device
   * @param command the command
   * @param strategy how it travels
   * @return a flux of the command's events; cancelling it cancels the command
   * @throws IllegalArgumentException if an argument is null
   */
  Flux<CommandEvent> sendWithEvents(String deviceId, Command command, DeliveryStrategy strategy);

  /**
   * Runs a sequence plan on subscription and emits every step's result, in step order, when the plan ends
   * (as {@link CommandClient#runAsync} decides: order, failure policies, timeouts); then completes.
   * Cancelling the subscription cancels the plan: no further step starts and the running step's command is
   * cancelled.
   *
   * @param plan the plan
   * @return a flux of the step results
   * @throws IllegalArgumentException if {@code plan} is null
   */
  Flux<SequenceResult.StepResult> run(SequencePlan plan);

  /**
   * Runs a sequence plan on subscription and emits its result; see {@link #run(SequencePlan)}.
   *
   * @param plan the plan
   * @return a mono of the plan's result; cancelling it cancels the plan
   * @throws IllegalArgumentException if {@code plan} is null
   */
  Mono<SequenceResult> runForResult(SequencePlan plan);

  /**
   * Sends one command to each device id the source emits, at most {@code concurrency} in flight, and emits
   * each device's terminal outcome as it ends (so not in the source's order). Backpressured end to end: ids
   * are requested from the source only as slots free up and results are taken, so a source of millions of
   * ids is held at most {@code concurrency} at a time. Cancelling the subscription cancels the commands in
   * flight and takes no more ids.
   *
   * <p>An id the client refuses (invalid, or its command id in flight) or a {@code commandForDevice} that
   * throws fails the flux at once with that {@link IllegalArgumentException} or {@link IllegalStateException},
   * and cancels the commands in flight (each still ends, {@code CANCELLED}, for the client's listeners): a
   * refusal is a bug or bad data, and it would repeat for every device. A failing source only stops the
   * intake: its error follows once the commands in flight have their outcomes.
   *
   * @param deviceIds the devices
   * @param commandForDevice the command for a device; its id must be unique among those in flight
   * @param strategy how the commands travel
   * @param concurrency how many commands may be in flight, 1 to {@link FanOut#MAX_CONCURRENCY} (as core's fan-out)
   * @return a flux of the outcomes, one per device id
   * @throws IllegalArgumentException if an argument is null or {@code concurrency} is out of range
   */
  Flux<CommandOutcome> fanOut(Publisher<String> deviceIds, Function<String, Command> commandForDevice,
      DeliveryStrategy strategy, int concurrency);

  /**
   * Sends one template command to each device id the source emits, each device's copy with the id core's
   * fan-out gives it ({@link FanOut#deviceCommandId}: the template's id and a digest of the device id, so a
   * rerun reuses the same idempotency keys); otherwise as {@link #fanOut(Publisher, Function, DeliveryStrategy,
   * int)}.
   *
   * @param deviceIds the devices
   * @param template the command; its id at most {@link FanOut#MAX_TEMPLATE_ID_LENGTH} characters
   * @param strategy how the commands travel
   * @param concurrency how many commands may be in flight, 1 to {@link FanOut#MAX_CONCURRENCY}
   * @return a flux of the outcomes, one per device id
   * @throws IllegalArgumentException if an argument is null, the template's id is too long or {@code
   *     concurrency} is out of range
   */
  Flux<CommandOutcome> fanOut(Publisher<String> deviceIds, Command template, DeliveryStrategy strategy,
      int concurrency);

  /**
   * Runs a plan on each device id the source emits, at most {@code concurrency} devices at a time, each
   * device's steps in order, and emits each device's result as it ends; backpressured and cancellable as
   * {@link #fanOut(Publisher, Function, DeliveryStrategy, int)}, errors included.
   *
   * @param deviceIds the devices
   * @param planForDevice the plan for a device (for that device, with command ids unique among those in
   *     flight)
   * @param concurrency how many devices may run at once, 1 to {@link FanOut#MAX_CONCURRENCY} (as core's fan-out)
   * @return a flux of the results, one per device id
   * @throws IllegalArgumentException if an argument is null or {@code concurrency} is out of range
   */
  Flux<SequenceResult> fanOutPlan(Publisher<String> deviceIds, Function<String, SequencePlan> planForDevice,
      int concurrency);

  /**
   * Returns the hub's cloud-to-device feedback as a hot flux: every record the client receives from when
   * a subscriber subscribes — its own commands' (after their outcomes are known) and messages it does not
   * track. It never completes before {@link #close()}. A subscriber without demand misses records (nothing
   * is buffered for it): add {@code onBackpressureBuffer(n)} or {@code onBackpressureDrop()} to choose.
   *
   * @return the feedback
   */
  Flux<FeedbackRecord> feedback();

  /**
   * Returns the command client this client adapts: the same connection, listeners and time, for code
   * that wants a {@code CompletableFuture} or blocks.
   *
   * @return the command client
   */
  CommandClient commandClient();

  /**
   * Closes the command client (every command still in flight ends {@code FAILED}), completes the feedback
   * flux, then releases the time source this client made. Idempotent.
   */
  @Override
  void close();
}
