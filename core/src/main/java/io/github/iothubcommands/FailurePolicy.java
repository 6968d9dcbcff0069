package io.github.iothubcommands;

import io.github.iothubcommands.internal.Validation;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link SequencePlan} does when one of its steps fails (an unsuccessful terminal outcome, or no
 * outcome within the step's timeout). Set per step with {@link SequencePlan.Steps#onFailure}; the default is
 * {@link #stop()}.
 *
 * <ul>
 *   <li>{@link #stop()}: the plan ends {@link SequenceResult.Status#FAILED}; later steps do not run.
 *   <li>{@link #skip()}: the step is reported {@link SequenceResult.StepStatus#SKIPPED} and the plan goes on
 *       with the next step, as if the step were optional.
 *   <li>{@link #compensate(Command, DeliveryStrategy)}: backward recovery, as a saga does it. The failed
 *       step's compensating command runs, then the compensating command of every earlier step that
 *       succeeded and has a compensate policy, latest first; then the plan ends. Each compensation starts
 *       after the previous one's terminal outcome, like the steps. If every compensation succeeds the plan is
 *       {@link SequenceResult.Status#COMPENSATED}; the first compensation that fails (or times out) stops the
 *       chain, the ones after it are reported not run, and the plan is {@link
 *       SequenceResult.Status#COMPENSATION_FAILED} (a device in a state nobody designed: an operator must
 *       look).
 * </ul>
 *
 * <p>Why the failed step is compensated too: a direct method that timed out or a message whose feedback
 * never came may have run on the device, so "failed" does not mean "had no effect". A compensating command
 * must therefore be safe to run whether its step ran fully, partly or not at all. Why latest first: later
 * steps build on earlier ones (install after download), so they are undone first. Why the chain stops at a
 * failed compensation: the undo steps depend on each other in the same way, and undoing an earlier step
 * under a later one that could not be undone can make things worse.
 *
 * <p>A step that fails under {@code stop} or {@code skip} never triggers compensations, not even those of
 * earlier steps: only a {@code compensate} policy on the failing step starts the recovery.
 */
public sealed interface FailurePolicy permits FailurePolicy.Stop, FailurePolicy.Skip, FailurePolicy.Compensate {

  /** The three policies, for a {@code switch}. */
  enum Kind {
    /** See {@link FailurePolicy#stop()}. */
    STOP,
    /** See {@link FailurePolicy#skip()}. */
    SKIP,
    /** See {@link FailurePolicy#compensate(Command, DeliveryStrategy)}. */
    COMPENSATE
  }

  /**
   * Ends the plan at this step's failure; later steps do not run. The default.
   *
   * @return the policy
   */
  static Stop stop() {
    return Stop.INSTANCE;
  }

  /**
   * Reports this step skipped and goes on with the next step.
   *
   * @return the policy
   */
  static Skip skip() {
    return Skip.INSTANCE;
  }

  /**
   * Runs {@code command} to compensate this step, then the compensations of the earlier steps that
   * succeeded, latest first, then ends the plan. The command goes to the plan's device; its id must differ
   * from every other command id in the plan (checked when the step is added), and it is validated against
   * {@code strategy} before the plan's first step is sent.
   *
   * @param command the compensating command
   * @param strategy how it travels; retries come from the strategy, as for a step
   * @return the policy, without a timeout of its own ({@link Compensate#timeout(Duration)} sets one)
   * @throws IllegalArgumentException if an argument is null
   */
  static Compensate compensate(Command command, DeliveryStrategy strategy) {
    return new Compensate(Validation.notNull("command", command), Validation.notNull("strategy", strategy), null);
  }

  /**
   * Returns which policy this is.
   *
   * @return the kind
   */
  Kind kind();

  /** End the plan. */
  final class Stop implements FailurePolicy {
    private static final Stop INSTANCE = new Stop();

    private Stop() {}

    @Override
    public Kind kind() {
      return Kind.STOP;
    }

    @Override
    public String toString() {
      return "stop";
    }
  }

  /** Go on with the next step. */
  final class Skip implements FailurePolicy {
    private static final Skip INSTANCE = new Skip();

    private Skip() {}

    @Override
    public Kind kind() {
      return Kind.SKIP;
    }

    @Override
    public String toString() {
      return "skip";
    }
  }

  /** Run a compensating command (and those of earlier steps), then end the plan. Immutable. */
  final class Compensate implements FailurePolicy {
    private final Command command;
    private final DeliveryStrategy strategy;
    private final @Nullable Duration timeout;

    private Compensate(Command command, DeliveryStrategy strategy, @Nullable Duration timeout) {
      this.command = command;
      this.strategy = strategy;
      this.timeout = timeout;
    }

    /**
     * Returns this policy with a timeout for the compensating command: with no terminal outcome by then, it
     * is cancelled and counts as a failed compensation.
     *
     * @param timeout from the compensation's start; between {@link SequencePlan#MIN_TIMEOUT} and {@link
     *     SequencePlan#MAX_TIMEOUT}
     * @return a new policy
     * @throws IllegalArgumentException if {@code timeout} is null or outside that range
     */
    public Compensate timeout(Duration timeout) {
      return new Compensate(command, strategy, SequencePlan.checkTimeout("compensate.timeout", timeout));
    }

    /** This policy with another compensating command (same strategy and timeout). */
    Compensate withCommand(Command other) {
      return new Compensate(other, strategy, timeout);
    }

    @Override
    public Kind kind() {
      return Kind.COMPENSATE;
    }

    /**
     * Returns the compensating command.
     *
     * @return the command
     */
    public Command command() {
      return command;
    }

    /**
     * Returns how the compensating command travels.
     *
     * @return the strategy
     */
    public DeliveryStrategy strategy() {
      return strategy;
    }

    /**
     * Returns the compensation's own timeout, if set; without one it ends at the command's own deadline (or
     * the plan's).
     *
     * @return the timeout, or empty
     */
    public Optional<Duration> timeout() {
      return Optional.ofNullable(timeout);
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Compensate c && command.equals(c.command) && strategy.equals(c.strategy)
          && Objects.equals(timeout, c.timeout);
    }

    @Override
    public int hashCode() {
      return Objects.hash(command, strategy, timeout);
    }

    @Override
    public String toString() {
      return "compensate(" + command.name() + " " + command.id() + ", " + strategy
          + (timeout != null ? ", timeout " + Validation.seconds(timeout) : "") + ')';
    }
  }
}
