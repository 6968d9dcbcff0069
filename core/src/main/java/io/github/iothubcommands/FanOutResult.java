package io.github.iothubcommands;

import io.github.iothubcommands.internal.Validation;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What became of one device in a {@link FanOut}: the command's outcome, or the plan's result, and how many
 * times it was sent because the hub answered 429. Immutable; passed to {@link FanOut.Builder#onResult}.
 */
public final class FanOutResult {
  private final String deviceId;
  private final @Nullable CommandOutcome outcome;
  private final @Nullable SequenceResult sequence;
  private final int attempts;
  private final boolean cancelledPlan;

  private FanOutResult(String deviceId, @Nullable CommandOutcome outcome, @Nullable SequenceResult sequence,
      int attempts, boolean cancelledPlan) {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, but was " + attempts);
    }
    this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
    this.outcome = outcome;
    this.sequence = sequence;
    this.attempts = attempts;
    this.cancelledPlan = cancelledPlan;
  }

  /**
   * The result of a device in a command fan-out. The client creates results; this factory is public so that
   * tests can too.
   *
   * @param outcome the command's terminal outcome (its device id is the result's)
   * @param attempts how many times the command was sent, 1 or more
   * @return the result
   * @throws IllegalArgumentException if {@code outcome} is null or {@code attempts} is below 1
   */
  public static FanOutResult ofCommand(CommandOutcome outcome, int attempts) {
    return new FanOutResult(Validation.notNull("outcome", outcome).deviceId(), outcome, null, attempts, false);
  }

  /**
   * The result of a device in a plan fan-out.
   *
   * @param sequence the plan's result (its device id is the result's)
   * @param attempts how many times the plan was started, 1 or more
   * @return the result
   * @throws IllegalArgumentException if {@code sequence} is null or {@code attempts} is below 1
   */
  public static FanOutResult ofPlan(SequenceResult sequence, int attempts) {
    return new FanOutResult(Validation.notNull("sequence", sequence).deviceId(), null, sequence, attempts, false);
  }

  /**
   * The result of a device whose plan was running when the fan-out was cancelled. It has no {@link
   * #sequence()}: the plan runner stops a cancelled plan without a result (its running command ended {@link
   * CommandStatus#CANCELLED}, which the client's listeners saw).
   *
   * @param deviceId the device
   * @param attempts how many times the plan was started, 1 or more
   * @return the result
   * @throws IllegalArgumentException if {@code deviceId} is null or {@code attempts} is below 1
   */
  public static FanOutResult ofCancelledPlan(String deviceId, int attempts) {
    return new FanOutResult(Validation.notNull("deviceId", deviceId), null, null, attempts, true);
  }

  /**
   * Returns the device.
   *
   * @return the device id (as the source gave it, even when it was invalid)
   */
  public String deviceId() {
    return deviceId;
  }

  /**
   * Returns the command's outcome, in a command fan-out.
   *
   * @return the outcome, or empty in a plan fan-out
   */
  public Optional<CommandOutcome> outcome() {
    return Optional.ofNullable(outcome);
  }

  /**
   * Returns the plan's result, in a plan fan-out.
   *
   * @return the result, or empty in a command fan-out and for a plan cancelled while it ran
   */
  public Optional<SequenceResult> sequence() {
    return Optional.ofNullable(sequence);
  }

  /**
   * Whether the device succeeded: a successful outcome, or every step of the plan succeeded.
   *
   * @return {@code true} on success
   */
  public boolean succeeded() {
    if (outcome != null) {
      return outcome.isSuccess();
    }
    return sequence != null && sequence.succeeded();
  }

  /**
   * Whether the fan-out was cancelled before the device had a result: the command (or the plan's step that
   * stopped it) ended {@link CommandStatus#CANCELLED}, or the plan was cancelled while it ran.
   *
   * @return {@code true} if cancelled
   */
  public boolean cancelled() {
    if (outcome != null) {
      return outcome.status() == CommandStatus.CANCELLED;
    }
    if (sequence == null) {
      return cancelledPlan;
    }
    return sequence.failedStep()
        .flatMap(SequenceResult.StepResult::outcome)
        .map(o -> o.status() == CommandStatus.CANCELLED)
        .orElse(false);
  }

  /**
   * Returns how many times the command (or plan) was sent: 1, plus one for each 429 the fan-out resent it
   * after.
   *
   * @return 1 or more
   */
  public int attempts() {
    return attempts;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof FanOutResult r && deviceId.equals(r.deviceId) && Objects.equals(outcome, r.outcome)
        && Objects.equals(sequence, r.sequence) && attempts == r.attempts && cancelledPlan == r.cancelledPlan;
  }

  @Override
  public int hashCode() {
    return Objects.hash(deviceId, outcome, sequence, attempts, cancelledPlan);
  }

  @Override
  public String toString() {
    return "FanOutResult{deviceId=" + deviceId + ", " + (outcome != null ? outcome.status() + " " + outcome.detail()
        : sequence != null ? String.valueOf(sequence) : "plan cancelled while it ran") + ", attempts=" + attempts + '}';
  }
}
