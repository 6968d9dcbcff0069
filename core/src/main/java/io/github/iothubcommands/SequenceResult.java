package io.github.iothubcommands;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What became of every step of a {@link SequencePlan}: the steps that ran, with their outcomes, then the
 * steps that did not run because an earlier one failed. Immutable.
 */
public final class SequenceResult {
  private final String deviceId;
  private final List<StepResult> steps;

  private SequenceResult(String deviceId, List<StepResult> steps) {
    this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
    this.steps = List.copyOf(steps);
  }

  /**
   * Creates a result. The client creates results; this factory is public so that tests can too.
   *
   * @param deviceId the device the plan ran on
   * @param steps one result per step of the plan, in order (copied)
   * @return the result
   */
  public static SequenceResult of(String deviceId, List<StepResult> steps) {
    return new SequenceResult(deviceId, steps);
  }

  /**
   * Returns the device the plan ran on.
   *
   * @return the device id
   */
  public String deviceId() {
    return deviceId;
  }

  /**
   * Returns one result per step of the plan, in order.
   *
   * @return an unmodifiable list
   */
  public List<StepResult> steps() {
    return steps;
  }

  /**
   * Whether every step ran and succeeded.
   *
   * @return {@code true} if the whole plan succeeded
   */
  public boolean succeeded() {
    return steps.stream().allMatch(StepResult::succeeded);
  }

  /**
   * Returns the step that stopped the plan, if one did.
   *
   * @return the first unsuccessful step that ran, or empty
   */
  public Optional<StepResult> failedStep() {
    return steps.stream().filter(s -> s.wasRun() && !s.succeeded()).findFirst();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof SequenceResult r && deviceId.equals(r.deviceId) && steps.equals(r.steps);
  }

  @Override
  public int hashCode() {
    return Objects.hash(deviceId, steps);
  }

  @Override
  public String toString() {
    return "SequenceResult{deviceId=" + deviceId + ", steps=" + steps + '}';
  }

  /** The result of one step. Immutable. */
  public static final class StepResult {
    private final int index;
    private final SequencePlan.Step step;
    private final @Nullable CommandOutcome outcome;

    private StepResult(int index, SequencePlan.Step step, @Nullable CommandOutcome outcome) {
      if (index < 0) {
        throw new IllegalArgumentException("index must not be negative, but was " + index);
      }
      this.index = index;
      this.step = Objects.requireNonNull(step, "step");
      this.outcome = outcome;
    }

    /**
     * The result of a step that ran (was sent, or refused before it was sent).
     *
     * @param index the step's position in the plan, from 0
     * @param step the step
     * @param outcome its outcome
     * @return the result
     * @throws IllegalArgumentException if {@code index} is negative
     */
    public static StepResult ran(int index, SequencePlan.Step step, CommandOutcome outcome) {
      return new StepResult(index, step, Objects.requireNonNull(outcome, "outcome"));
    }

    /**
     * The result of a step that did not run because an earlier one failed.
     *
     * @param index the step's position in the plan, from 0
     * @param step the step
     * @return the result
     * @throws IllegalArgumentException if {@code index} is negative
     */
    public static StepResult notRun(int index, SequencePlan.Step step) {
      return new StepResult(index, step, null);
    }

    /**
     * Returns the step's position in the plan.
     *
     * @return the index, from 0
     */
    public int index() {
      return index;
    }

    /**
     * Returns the step.
     *
     * @return the step
     */
    public SequencePlan.Step step() {
      return step;
    }

    /**
     * Whether the step ran (was sent or refused); steps after a failed one do not run.
     *
     * @return {@code true} if the step has an outcome
     */
    public boolean wasRun() {
      return outcome != null;
    }

    /**
     * Whether the step ran and succeeded.
     *
     * @return {@code true} for a successful outcome
     */
    public boolean succeeded() {
      return outcome != null && outcome.isSuccess();
    }

    /**
     * Returns the step's outcome.
     *
     * @return the outcome, or empty if the step did not run
     */
    public Optional<CommandOutcome> outcome() {
      return Optional.ofNullable(outcome);
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof StepResult r && index == r.index && step.equals(r.step) && Objects.equals(outcome, r.outcome);
    }

    @Override
    public int hashCode() {
      return Objects.hash(index, step, outcome);
    }

    @Override
    public String toString() {
      return "StepResult{" + index + ", " + step.command().name() + ", " + (outcome == null ? "not run"
          : outcome.status()) + '}';
    }
  }
}
