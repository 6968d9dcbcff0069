package io.github.iothubcommands;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What became of every step of a {@link SequencePlan}: the steps that ran, with their outcomes, then the
 * steps that did not run because an earlier one failed.
 *
 * @param deviceId the device the plan ran on
 * @param steps one result per step of the plan, in order
 */
public record SequenceResult(String deviceId, List<StepResult> steps) {

  /** Copies the steps. */
  public SequenceResult {
    Objects.requireNonNull(deviceId, "deviceId");
    steps = List.copyOf(steps);
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

  /**
   * The result of one step.
   *
   * @param index the step's position in the plan, from 0
   * @param step the step
   * @param outcome its outcome, or {@code null} if it did not run
   */
  public record StepResult(int index, SequencePlan.Step step, @Nullable CommandOutcome outcome) {

    /** Checks for null. */
    public StepResult {
      Objects.requireNonNull(step, "step");
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
    public Optional<CommandOutcome> outcomeIfRun() {
      return Optional.ofNullable(outcome);
    }
  }
}
