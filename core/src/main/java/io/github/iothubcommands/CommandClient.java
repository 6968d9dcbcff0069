package io.github.iothubcommands;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Sends commands to devices and tracks each to exactly one terminal {@link CommandOutcome}. Built with
 * {@link #builder()}; thread-safe; close it to release the transport.
 *
 * <pre>{@code
 * try (CommandClient client = CommandClient.builder().transport(transport).build()) {
 *   CommandHandle handle = client.sendAsync("thermostat-7",
 *       Command.named("setTarget").jsonPayload(Map.of("celsius", 21)).build(),
 *       DeliveryStrategy.directMethod());
 *   CommandOutcome outcome = handle.outcome().join();
 * }
 * }</pre>
 *
 * <p>Every argument is validated before anything is sent: a bad device id, a payload over the hub's limit,
 * a non-JSON payload for a direct method or properties on a direct method throw {@link
 * IllegalArgumentException} and nothing reaches the hub.
 */
public interface CommandClient extends AutoCloseable {

  /**
   * Starts a builder.
   *
   * @return a new builder
   */
  static CommandClientBuilder builder() {
    return new CommandClientBuilder();
  }

  /**
   * Sends a command without blocking.
   *
   * @param deviceId the target device: 1 to 128 ASCII letters, digits or {@code -.+%_#*?!(),:=@$'}
   * @param command the command
   * @param strategy how it travels
   * @return a handle on the command in flight
   * @throws IllegalArgumentException if an argument is invalid or the command does not fit the strategy
   *     (size limits; direct methods need a JSON payload and carry no properties)
   * @throws IllegalStateException if a command with the same id is already in flight, or the client is closed
   */
  CommandHandle sendAsync(String deviceId, Command command, DeliveryStrategy strategy);

  /**
   * Sends a command and waits for its terminal outcome. A cloud-to-device message may take up to its
   * time-to-live plus the feedback window; prefer {@link #sendAsync} for those.
   *
   * @param deviceId the target device
   * @param command the command
   * @param strategy how it travels
   * @return the terminal outcome
   * @throws IllegalArgumentException as {@link #sendAsync}
   * @throws IllegalStateException as {@link #sendAsync}, or if the waiting thread is interrupted
   */
  CommandOutcome send(String deviceId, Command command, DeliveryStrategy strategy);

  /**
   * Runs a sequence plan without blocking: each step starts once the previous one has a terminal outcome;
   * a failed (or timed-out) step stops the plan, is skipped, or is compensated, as its {@link FailurePolicy}
   * says; the plan timeout bounds the whole run. Every step and every compensating command is validated
   * before the first is sent. Cancelling the returned future stops the plan: its running command is
   * {@linkplain CommandHandle#cancel() cancelled}, nothing more is sent, and no result is made.
   *
   * @param plan the plan
   * @return a future of the result, which reports every step with its outcome and timing; it completes
   *     normally whatever the steps' outcomes
   * @throws IllegalArgumentException if any step or compensating command is invalid
   * @throws IllegalStateException if the client is closed
   */
  CompletableFuture<SequenceResult> runAsync(SequencePlan plan);

  /**
   * Runs a sequence plan and waits for its result; see {@link #runAsync}.
   *
   * @param plan the plan
   * @return the result
   * @throws IllegalArgumentException if any step or compensating command is invalid
   * @throws IllegalStateException if the client is closed, or the waiting thread is interrupted
   */
  SequenceResult run(SequencePlan plan);

  /**
   * Starts a fan-out: one command, or one plan, to many devices, at most {@link FanOut#concurrency()} in
   * flight, paced within the hub's quota and adapting to its 429s. Device ids are taken from the source only
   * as devices can start. The template command (or every step of the plan) is checked against its strategy
   * now, as {@link #sendAsync} checks a command; each device's result goes to {@link FanOut#onResult()}.
   *
   * <pre>{@code
   * FanOutHandle rollout = client.fanOut(FanOut.to(deviceIds)
   *     .command(setTarget, DeliveryStrategy.cloudToDevice())
   *     .rate(HubQuota.of(HubTier.S1, 10))
   *     .build());
   * FanOutSummary summary = rollout.summary().join();
   * }</pre>
   *
   * @param fanOut the fan-out
   * @return a handle: progress, stop, cancel and a future of the summary
   * @throws IllegalArgumentException if {@code fanOut} is null, or the template does not fit its strategy
   * @throws IllegalStateException if the client is closed, or the fan-out is built on an {@code Iterator} that
   *     already ran
   */
  FanOutHandle fanOut(FanOut fanOut);

  /**
   * Returns the window the client waits, after a cloud-to-device message's expiry, for feedback before it
   * infers (or gives up on) the outcome.
   *
   * @return the feedback window
   */
  Duration feedbackWindow();

  /**
   * Completes every command still in flight as {@link CommandStatus#FAILED} ("client closed"), then closes
   * the transport. Idempotent.
   */
  @Override
  void close();
}
