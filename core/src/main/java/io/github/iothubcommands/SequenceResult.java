package io.github.iothubcommands;

import io.github.iothubcommands.internal.Validation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What became of a {@link SequencePlan}: its overall {@link Status}, when it started and ended, and one
 * {@link StepResult} per step, in plan order — the step's status (succeeded, failed, skipped, not run), its
 * command's outcome, its timing, and its compensation if one was due. All times come from the client's
 * time source. Immutable; the client builds results, and {@link #builder()} is public so that tests and
 * outcome stores can too.
 */
public final class SequenceResult {
  private final String deviceId;
  private final Status status;
  private final String detail;
  private final Instant startedAt;
  private final Instant finishedAt;
  private final List<StepResult> steps;

  private SequenceResult(Builder b, String deviceId, Status status, Instant startedAt, Instant finishedAt,
      List<StepResult> steps) {
    this.deviceId = deviceId;
    this.status = status;
    this.detail = b.detail;
    this.startedAt = startedAt;
    this.finishedAt = finishedAt;
    this.steps = steps;
  }

  /**
   * Starts a builder. Device id, status, start, finish and the steps are required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding this result's values.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    return new Builder().deviceId(deviceId).status(status).detail(detail).startedAt(startedAt)
        .finishedAt(finishedAt).steps(steps);
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
   * Returns how the plan ended.
   *
   * @return the status
   */
  public Status status() {
    return status;
  }

  /**
   * Returns why the plan ended as it did, in words ({@code "step 1 (install) failed: …"}); free of secrets.
   *
   * @return the explanation
   */
  public String detail() {
    return detail;
  }

  /**
   * Returns when the plan started (its first step was about to be sent).
   *
   * @return the start, on the client's time source
   */
  public Instant startedAt() {
    return startedAt;
  }

  /**
   * Returns when the plan ended (its last step or compensation had its outcome, or its timeout passed).
   *
   * @return the end, on the client's time source
   */
  public Instant finishedAt() {
    return finishedAt;
  }

  /**
   * Returns how long the plan took.
   *
   * @return {@code finishedAt - startedAt}
   */
  public Duration duration() {
    return Duration.between(startedAt, finishedAt);
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
   * Whether the plan reached its end: every step succeeded, or failed under a {@link FailurePolicy#skip()
   * skip} policy (see {@link StepResult#skipped()}).
   *
   * @return {@code true} if the status is {@link Status#SUCCEEDED}
   */
  public boolean succeeded() {
    return status == Status.SUCCEEDED;
  }

  /**
   * Returns the step that ended the plan, if one did: the first step whose status is {@link
   * StepStatus#FAILED} (a failure under stop or compensate, or the step running when the plan timed out).
   *
   * @return that step, or empty
   */
  public Optional<StepResult> failedStep() {
    return steps.stream().filter(s -> s.status() == StepStatus.FAILED).findFirst();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof SequenceResult r && deviceId.equals(r.deviceId) && status == r.status
        && detail.equals(r.detail) && startedAt.equals(r.startedAt) && finishedAt.equals(r.finishedAt)
        && steps.equals(r.steps);
  }

  @Override
  public int hashCode() {
    return Objects.hash(deviceId, status, detail, startedAt, finishedAt, steps);
  }

  @Override
  public String toString() {
    return "SequenceResult{" + status + ", deviceId=" + deviceId + ", took " + Validation.seconds(duration())
        + ", detail=" + detail + ", steps=" + steps + '}';
  }

  /** How a plan ended. */
  public enum Status {
    /** Every step succeeded, or failed under a skip policy: the plan reached its end. */
    SUCCEEDED,
    /** A step failed under a stop policy, or the client closed during the plan; it ended there. */
    FAILED,
    /** The plan timeout passed: the running command was cancelled and nothing more was sent. */
    TIMED_OUT,
    /** A step failed under a compensate policy, and every compensation due succeeded. */
    COMPENSATED,
    /** A step failed under a compensate policy, and a compensation failed: the device needs a look. */
    COMPENSATION_FAILED
  }

  /** What became of one step, or of one compensation. */
  public enum StepStatus {
    /** It ran and its command succeeded. */
    SUCCEEDED,
    /** It ran and failed (or timed out), and that ended the plan (or, for a compensation, the chain). */
    FAILED,
    /** It ran and failed (or timed out), and its skip policy let the plan go on. Never a compensation's. */
    SKIPPED,
    /** It was not sent: the plan ended before it; {@code detail()} says why. */
    NOT_RUN
  }

  /** Builds a {@link SequenceResult}. */
  public static final class Builder {
    private @Nullable String deviceId;
    private @Nullable Status status;
    private String detail = "";
    private @Nullable Instant startedAt;
    private @Nullable Instant finishedAt;
    private @Nullable List<StepResult> steps;

    private Builder() {}

    /**
     * Sets the device (required).
     *
     * @param deviceId the device id
     * @return this builder
     */
    public Builder deviceId(String deviceId) {
      this.deviceId = Validation.notNull("deviceId", deviceId);
      return this;
    }

    /**
     * Sets the overall status (required).
     *
     * @param status the status
     * @return this builder
     */
    public Builder status(Status status) {
      this.status = Validation.notNull("status", status);
      return this;
    }

    /**
     * Sets the explanation. Default: empty.
     *
     * @param detail the explanation, free of secrets
     * @return this builder
     */
    public Builder detail(String detail) {
      this.detail = Validation.notNull("detail", detail);
      return this;
    }

    /**
     * Sets the start (required).
     *
     * @param startedAt when the plan started
     * @return this builder
     */
    public Builder startedAt(Instant startedAt) {
      this.startedAt = Validation.notNull("startedAt", startedAt);
      return this;
    }

    /**
     * Sets the end (required).
     *
     * @param finishedAt when the plan ended
     * @return this builder
     */
    public Builder finishedAt(Instant finishedAt) {
      this.finishedAt = Validation.notNull("finishedAt", finishedAt);
      return this;
    }

    /**
     * Sets the step results (required): one per step, in order, the i-th with index i.
     *
     * @param steps the results (copied)
     * @return this builder
     */
    public Builder steps(List<StepResult> steps) {
      this.steps = List.copyOf(Validation.notNull("steps", steps));
      return this;
    }

    /**
     * Builds the result.
     *
     * @return the result
     * @throws IllegalStateException if a required value is missing, the steps are empty or out of order,
     *     {@code finishedAt} is before {@code startedAt}, or the status contradicts the steps (a {@code
     *     SUCCEEDED} plan with a failed or unsent step, a compensated one without a compensation)
     */
    public SequenceResult build() {
      String d = deviceId;
      Status s = status;
      Instant start = startedAt;
      Instant end = finishedAt;
      List<StepResult> st = steps;
      if (d == null || s == null || start == null || end == null || st == null) {
        throw new IllegalStateException("deviceId, status, startedAt, finishedAt and steps must be set before "
            + "build(), but " + (d == null ? "deviceId" : s == null ? "status" : start == null ? "startedAt"
            : end == null ? "finishedAt" : "steps") + " was not");
      }
      if (st.isEmpty()) {
        throw new IllegalStateException("steps must not be empty: a plan has at least one step");
      }
      for (int i = 0; i < st.size(); i++) {
        if (st.get(i).index() != i) {
          throw new IllegalStateException("steps must be in plan order, but steps[" + i + "] has index "
              + st.get(i).index());
        }
      }
      if (end.isBefore(start)) {
        throw new IllegalStateException("finishedAt must not be before startedAt, but was " + end + " < " + start);
      }
      if (s == Status.SUCCEEDED && st.stream().anyMatch(r -> !r.succeeded() && !r.skipped())) {
        throw new IllegalStateException("status SUCCEEDED needs every step SUCCEEDED or SKIPPED, but steps were "
            + st.stream().map(StepResult::status).toList());
      }
      if ((s == Status.COMPENSATED || s == Status.COMPENSATION_FAILED)
          && st.stream().noneMatch(r -> r.compensation().isPresent())) {
        throw new IllegalStateException("status " + s + " needs at least one step with a compensation");
      }
      return new SequenceResult(this, d, s, start, end, st);
    }
  }

  /**
   * What a step and a compensation have in common: a {@link StepStatus}, and, if the command ran, its outcome
   * and timing. Immutable.
   */
  public abstract static sealed class Execution permits StepResult, CompensationResult {
    private final StepStatus status;
    private final @Nullable CommandOutcome outcome;
    private final @Nullable Instant startedAt;
    private final @Nullable Instant finishedAt;
    private final boolean timedOut;
    private final String detail;

    private Execution(Builder<?> b, StepStatus status) {
      this.status = status;
      this.outcome = b.outcome;
      this.startedAt = b.startedAt;
      this.finishedAt = b.finishedAt;
      this.timedOut = b.timedOut;
      this.detail = b.detail;
    }

    /**
     * Returns what became of it.
     *
     * @return the status
     */
    public StepStatus status() {
      return status;
    }

    /**
     * Whether its command was sent (or refused before it was sent).
     *
     * @return {@code true} unless the status is {@link StepStatus#NOT_RUN}
     */
    public boolean wasRun() {
      return status != StepStatus.NOT_RUN;
    }

    /**
     * Whether it ran and succeeded.
     *
     * @return {@code true} if the status is {@link StepStatus#SUCCEEDED}
     */
    public boolean succeeded() {
      return status == StepStatus.SUCCEEDED;
    }

    /**
     * Returns its command's outcome ({@link CommandStatus#CANCELLED} if a timeout ended it).
     *
     * @return the outcome, or empty if it did not run
     */
    public Optional<CommandOutcome> outcome() {
      return Optional.ofNullable(outcome);
    }

    /**
     * Returns when its command was sent.
     *
     * @return the start, or empty if it did not run
     */
    public Optional<Instant> startedAt() {
      return Optional.ofNullable(startedAt);
    }

    /**
     * Returns when its command had its outcome.
     *
     * @return the end, or empty if it did not run
     */
    public Optional<Instant> finishedAt() {
      return Optional.ofNullable(finishedAt);
    }

    /**
     * Returns how long it took.
     *
     * @return {@code finishedAt - startedAt}, or empty if it did not run
     */
    public Optional<Duration> duration() {
      return startedAt == null || finishedAt == null ? Optional.empty()
          : Optional.of(Duration.between(startedAt, finishedAt));
    }

    /**
     * Whether a timeout ended it (its own, or the plan's): its command was cancelled.
     *
     * @return {@code true} if it timed out
     */
    public boolean timedOut() {
      return timedOut;
    }

    /**
     * Returns why it ended as it did, or why it did not run; empty if it succeeded.
     *
     * @return the explanation
     */
    public String detail() {
      return detail;
    }

    /** Whether the parts held here are equal; subclasses add their own. */
    boolean sameExecution(Execution e) {
      return status == e.status && Objects.equals(outcome, e.outcome) && Objects.equals(startedAt, e.startedAt)
          && Objects.equals(finishedAt, e.finishedAt) && timedOut == e.timedOut && detail.equals(e.detail);
    }

    int executionHash() {
      return Objects.hash(status, outcome, startedAt, finishedAt, timedOut, detail);
    }

    String executionString() {
      return status + (outcome != null ? " (" + outcome.status() + ")" : "") + (timedOut ? ", timed out" : "");
    }

    /**
     * What the builders of steps and compensations share.
     *
     * @param <B> the builder's own type
     */
    public abstract static sealed class Builder<B extends Builder<B>> permits StepResult.Builder,
        CompensationResult.Builder {
      private @Nullable StepStatus status;
      private @Nullable CommandOutcome outcome;
      private @Nullable Instant startedAt;
      private @Nullable Instant finishedAt;
      private boolean timedOut;
      private String detail = "";

      private Builder() {}

      abstract B self();

      /**
       * Sets the status (required).
       *
       * @param status the status
       * @return this builder
       * @throws IllegalArgumentException if {@code status} is null, or not one this kind of result can have
       */
      public B status(StepStatus status) {
        this.status = Validation.notNull("status", status);
        return self();
      }

      /**
       * Records the run: the command's outcome and when it started and ended (required unless the status is
       * {@link StepStatus#NOT_RUN}).
       *
       * @param outcome the command's outcome
       * @param startedAt when it was sent
       * @param finishedAt when it had its outcome
       * @return this builder
       */
      public B ran(CommandOutcome outcome, Instant startedAt, Instant finishedAt) {
        this.outcome = Validation.notNull("outcome", outcome);
        this.startedAt = Validation.notNull("startedAt", startedAt);
        this.finishedAt = Validation.notNull("finishedAt", finishedAt);
        return self();
      }

      /**
       * Marks it as ended by a timeout. Default: {@code false}.
       *
       * @param timedOut whether a timeout ended it
       * @return this builder
       */
      public B timedOut(boolean timedOut) {
        this.timedOut = timedOut;
        return self();
      }

      /**
       * Sets the explanation. Default: empty.
       *
       * @param detail the explanation, free of secrets
       * @return this builder
       */
      public B detail(String detail) {
        this.detail = Validation.notNull("detail", detail);
        return self();
      }

      B copy(Execution e) {
        status = e.status;
        outcome = e.outcome;
        startedAt = e.startedAt;
        finishedAt = e.finishedAt;
        timedOut = e.timedOut;
        detail = e.detail;
        return self();
      }

      /** Checks the shared parts against {@code commandId}; returns the status, or throws naming {@code what}. */
      StepStatus check(String what, String commandId) {
        StepStatus s = status;
        String problem = s == null ? "status must be set before build(), but was not"
            : problem(s, commandId);
        if (problem != null) {
          throw new IllegalStateException(what + ": " + problem);
        }
        return s;
      }

      private @Nullable String problem(StepStatus s, String commandId) {
        if (s == StepStatus.NOT_RUN) {
          return outcome != null || startedAt != null || finishedAt != null || timedOut
              ? "a NOT_RUN result has no outcome, start, finish or timeout" : null;
        }
        CommandOutcome o = outcome;
        Instant start = startedAt;
        Instant end = finishedAt;
        if (o == null || start == null || end == null) {
          return "a " + s + " result needs its outcome, startedAt and finishedAt";
        }
        if (!o.commandId().equals(commandId)) {
          return "the outcome must be the command's (id '" + commandId + "'), but was for '" + o.commandId() + "'";
        }
        if (end.isBefore(start)) {
          return "finishedAt must not be before startedAt, but was " + end + " < " + start;
        }
        if ((s == StepStatus.SUCCEEDED) != o.isSuccess()) {
          return "status " + s + " does not match the outcome's " + o.status();
        }
        if (timedOut && s == StepStatus.SUCCEEDED) {
          return "a SUCCEEDED result did not time out";
        }
        return null;
      }
    }
  }

  /** The result of one step. Immutable. */
  public static final class StepResult extends Execution {
    private final int index;
    private final SequencePlan.Step step;
    private final @Nullable CompensationResult compensation;

    private StepResult(Builder b, StepStatus status) {
      super(b, status);
      this.index = b.index;
      this.step = b.step;
      this.compensation = b.compensation;
    }

    /**
     * Starts a builder for the step at {@code index}.
     *
     * @param index the step's position in the plan, from 0
     * @param step the step
     * @return a new builder; its status is required
     * @throws IllegalArgumentException if {@code index} is negative or {@code step} is null
     */
    public static Builder builder(int index, SequencePlan.Step step) {
      if (index < 0) {
        throw new IllegalArgumentException("index must not be negative, but was " + index);
      }
      return new Builder(index, Validation.notNull("step", step));
    }

    /**
     * Returns a builder holding this result's values.
     *
     * @return a builder
     */
    public Builder toBuilder() {
      return new Builder(index, step).copy(this).compensation(compensation);
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
     * Whether the step failed and its skip policy let the plan go on.
     *
     * @return {@code true} if the status is {@link StepStatus#SKIPPED}
     */
    public boolean skipped() {
      return status() == StepStatus.SKIPPED;
    }

    /**
     * Whether the step was compensated: its compensating command ran and succeeded.
     *
     * @return {@code true} if a compensation is present and succeeded
     */
    public boolean compensated() {
      return compensation != null && compensation.succeeded();
    }

    /**
     * Returns the step's compensation, if one was due: the step failed under a compensate policy, or it
     * succeeded and a later step's compensate policy undid it. A compensation the chain did not reach is
     * present with status {@link StepStatus#NOT_RUN}.
     *
     * @return the compensation, or empty
     */
    public Optional<CompensationResult> compensation() {
      return Optional.ofNullable(compensation);
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof StepResult r && index == r.index && step.equals(r.step) && sameExecution(r)
          && Objects.equals(compensation, r.compensation);
    }

    @Override
    public int hashCode() {
      return Objects.hash(index, step, executionHash(), compensation);
    }

    @Override
    public String toString() {
      return "StepResult{" + index + ", " + step.command().name() + ", " + executionString()
          + (compensation != null ? ", compensation " + compensation.status() : "") + '}';
    }

    /** Builds a {@link StepResult}. */
    public static final class Builder extends Execution.Builder<Builder> {
      private final int index;
      private final SequencePlan.Step step;
      private @Nullable CompensationResult compensation;

      private Builder(int index, SequencePlan.Step step) {
        this.index = index;
        this.step = step;
      }

      @Override
      Builder self() {
        return this;
      }

      /**
       * Sets the step's compensation.
       *
       * @param compensation the compensation, or {@code null} for none
       * @return this builder
       */
      public Builder compensation(@Nullable CompensationResult compensation) {
        this.compensation = compensation;
        return this;
      }

      /**
       * Builds the result.
       *
       * @return the result
       * @throws IllegalStateException if the status is missing or contradicts the rest: a step that ran needs
       *     its outcome (for its own command, succeeded exactly when the status is {@code SUCCEEDED}), start
       *     and a finish not before it; a {@code NOT_RUN} step has none of these; only a failed step times
       *     out; only a step with a compensate policy that ran and did not skip has a compensation, and it is
       *     that policy's
       */
      public StepResult build() {
        String what = "steps[" + index + "]";
        StepStatus s = check(what, step.command().id());
        CompensationResult c = compensation;
        if (c != null && (!c.policy().equals(step.failurePolicy()) || s == StepStatus.NOT_RUN
            || s == StepStatus.SKIPPED)) {
          throw new IllegalStateException(what + ": only a step with a compensate policy that ran and was not "
              + "skipped has a compensation, and it is that policy's");
        }
        return new StepResult(this, s);
      }
    }
  }

  /** The result of one compensating command. Immutable. */
  public static final class CompensationResult extends Execution {
    private final FailurePolicy.Compensate policy;

    private CompensationResult(Builder b, StepStatus status) {
      super(b, status);
      this.policy = b.policy;
    }

    /**
     * Starts a builder for the compensation that {@code policy} describes.
     *
     * @param policy the step's compensate policy
     * @return a new builder; its status is required, and is {@code SUCCEEDED}, {@code FAILED} (it stopped
     *     the chain) or {@code NOT_RUN} (an earlier compensation failed, or the plan timed out first)
     * @throws IllegalArgumentException if {@code policy} is null
     */
    public static Builder builder(FailurePolicy.Compensate policy) {
      return new Builder(Validation.notNull("policy", policy));
    }

    /**
     * Returns a builder holding this result's values.
     *
     * @return a builder
     */
    public Builder toBuilder() {
      return new Builder(policy).copy(this);
    }

    /**
     * Returns the policy whose command this is.
     *
     * @return the compensate policy
     */
    public FailurePolicy.Compensate policy() {
      return policy;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof CompensationResult r && policy.equals(r.policy) && sameExecution(r);
    }

    @Override
    public int hashCode() {
      return Objects.hash(policy, executionHash());
    }

    @Override
    public String toString() {
      return "CompensationResult{" + policy.command().name() + ", " + executionString() + '}';
    }

    /** Builds a {@link CompensationResult}. */
    public static final class Builder extends Execution.Builder<Builder> {
      private final FailurePolicy.Compensate policy;

      private Builder(FailurePolicy.Compensate policy) {
        this.policy = policy;
      }

      @Override
      Builder self() {
        return this;
      }

      /**
       * {@inheritDoc}
       *
       * @throws IllegalArgumentException if {@code status} is null or {@code SKIPPED} (compensations are
       *     never skipped)
       */
      @Override
      public Builder status(StepStatus status) {
        if (Validation.notNull("status", status) == StepStatus.SKIPPED) {
          throw new IllegalArgumentException("status must be SUCCEEDED, FAILED or NOT_RUN for a compensation, "
              + "but was SKIPPED");
        }
        return super.status(status);
      }

      /**
       * Builds the result.
       *
       * @return the result
       * @throws IllegalStateException if the status is missing or contradicts the rest, as for {@link
       *     StepResult.Builder#build()}
       */
      public CompensationResult build() {
        return new CompensationResult(this, check("compensation " + policy.command().id(), policy.command().id()));
      }
    }
  }
}
