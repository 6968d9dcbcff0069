package io.github.iothubcommands;

import io.github.iothubcommands.internal.Validation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Ordered commands for one device. Step n+1 starts only after step n has reached a terminal outcome; what
 * happens when a step fails is that step's {@link FailurePolicy} (stop by default, skip, or compensate), and
 * the {@link SequenceResult} reports every step, run or not, with its outcome and timing. Built in stages,
 * so only a plan with at least one step can be built:
 *
 * <pre>{@code
 * SequencePlan update = SequencePlan.forDevice("pump-3")
 *     .planTimeout(Duration.ofMinutes(15))                  // the whole plan, compensations included
 *     .then(Command.named("download").jsonPayload(Map.of("url", url)).build(),
 *           CloudToDevice.custom().timeToLive(Duration.ofMinutes(10)).build())
 *         .timeout(Duration.ofMinutes(10))                  // this step: cancelled, failed, policy applies
 *     .then(Command.named("install").build(), DeliveryStrategy.directMethod())
 *         .onFailure(FailurePolicy.compensate(Command.named("rollback").build(), DeliveryStrategy.directMethod()))
 *     .then(Command.named("selfTest").build(), DeliveryStrategy.directMethod())
 *         .onFailure(FailurePolicy.skip())                   // optional
 *     .then(Command.named("reboot").build(), DeliveryStrategy.directMethod())
 *     .build();
 * SequenceResult result = client.run(update);
 * }</pre>
 *
 * <p>Direct methods have no queue, so ordering them is the caller's job; this plan does it. Cloud-to-device
 * steps wait for their feedback before the next step starts (with {@link Acknowledgement#NONE}, only for
 * the hub to queue them).
 *
 * <p><b>Timeouts.</b> A step's {@linkplain Steps#timeout(Duration) timeout} ends a step that has no terminal
 * outcome in time: its command is {@linkplain CommandHandle#cancel() cancelled} and the step counts as failed,
 * so its failure policy applies. The {@linkplain Steps#planTimeout(Duration) plan timeout} is the hard bound
 * on the whole plan (the head-of-line timeout, so that one stuck device never holds a fleet rollout): when it
 * passes, the running command (step or compensation) is cancelled, nothing more is sent, no failure policy
 * applies, and the result is {@link SequenceResult.Status#TIMED_OUT}. Without either, a step still ends at
 * its command's own deadline (a direct method's connect + response timeouts, a message's time-to-live plus
 * the feedback window), so no plan waits forever. Cancelling does not take a command back from the hub: a
 * queued cloud-to-device message may still reach the device later, so keep its time-to-live within the step
 * timeout, or let the device ignore stale commands.
 *
 * <p><b>Retries.</b> A plan adds no retry of its own, so there is one retry mechanism: a step (or a
 * compensation) retries as its strategy's retry policy says (the strategies' {@code retry(RetryPolicy)}
 * setting; without one a step makes one attempt), and the step timeout bounds all its attempts together, since they run under the step's one command.
 *
 * <p><b>Idempotency.</b> Every command in a plan, compensations included, has its own id (checked when it is
 * added): the id is the idempotency key the device can dedupe on, so a re-run plan with the same ids does
 * not run a step twice on a deduping device.
 */
public final class SequencePlan {
  /** The shortest step, compensation or plan timeout: 1 ms. */
  public static final Duration MIN_TIMEOUT = Duration.ofMillis(1);
  /**
   * The longest step, compensation or plan timeout: 7 days (a cloud-to-device message lives at most 2 days,
   * plus its feedback window).
   */
  public static final Duration MAX_TIMEOUT = Duration.ofDays(7);
  /** The failure policy of a step that sets none: {@link FailurePolicy#stop()}. */
  public static final FailurePolicy DEFAULT_FAILURE_POLICY = FailurePolicy.stop();

  private final String deviceId;
  private final List<Step> steps;
  private final @Nullable Duration planTimeout;

  private SequencePlan(String deviceId, List<Step> steps, @Nullable Duration planTimeout) {
    this.deviceId = deviceId;
    this.steps = List.copyOf(steps);
    this.planTimeout = planTimeout;
  }

  /**
   * Starts a plan for one device.
   *
   * @param deviceId the device; checked as {@link CommandClient#sendAsync} checks it
   * @return the first stage, which takes the first step
   * @throws IllegalArgumentException if the device id is invalid
   */
  public static FirstStep forDevice(String deviceId) {
    return new FirstStep(Validation.deviceId(deviceId));
  }

  /**
   * Returns the device the plan runs on.
   *
   * @return the device id
   */
  public String deviceId() {
    return deviceId;
  }

  /**
   * Returns the steps in order.
   *
   * @return an unmodifiable list of at least one step
   */
  public List<Step> steps() {
    return steps;
  }

  /**
   * Returns the plan timeout: the bound on the whole plan, from its start.
   *
   * @return the plan timeout, or empty if the plan has none
   */
  public Optional<Duration> planTimeout() {
    return Optional.ofNullable(planTimeout);
  }

  /**
   * The same plan for another device, every command (compensating ones too) replaced by {@code commands},
   * timeouts and failure policies kept: a fan-out gives each device its own ids. {@code commands} must keep
   * distinct ids distinct.
   */
  SequencePlan retarget(String deviceId, UnaryOperator<Command> commands) {
    Validation.deviceId(deviceId);
    List<Step> copies = new ArrayList<>(steps.size());
    for (Step step : steps) {
      FailurePolicy policy = step.failurePolicy;
      if (policy instanceof FailurePolicy.Compensate c) {
        policy = c.withCommand(commands.apply(c.command()));
      }
      copies.add(new Step(commands.apply(step.command), step.strategy, step.timeout, policy));
    }
    return new SequencePlan(deviceId, copies, planTimeout);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof SequencePlan p && deviceId.equals(p.deviceId) && steps.equals(p.steps)
        && Objects.equals(planTimeout, p.planTimeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(deviceId, steps, planTimeout);
  }

  @Override
  public String toString() {
    return "SequencePlan{deviceId=" + deviceId + (planTimeout != null ? ", planTimeout="
        + Validation.seconds(planTimeout) : "") + ", steps=" + steps + '}';
  }

  static Duration checkTimeout(String field, @Nullable Duration timeout) {
    return Validation.durationBetween(field, timeout, MIN_TIMEOUT, MAX_TIMEOUT, false);
  }

  /** One step: a command, how it travels, its timeout and its failure policy. Immutable; made by the builder. */
  public static final class Step {
    private final Command command;
    private final DeliveryStrategy strategy;
    private final @Nullable Duration timeout;
    private final FailurePolicy failurePolicy;

    private Step(Command command, DeliveryStrategy strategy, @Nullable Duration timeout, FailurePolicy failurePolicy) {
      this.command = Objects.requireNonNull(command, "command");
      this.strategy = Objects.requireNonNull(strategy, "strategy");
      this.timeout = timeout;
      this.failurePolicy = Objects.requireNonNull(failurePolicy, "failurePolicy");
    }

    /**
     * Returns the command.
     *
     * @return the command
     */
    public Command command() {
      return command;
    }

    /** This step with another command (same strategy, timeout and failure policy). */
    Step withCommand(Command other) {
      return new Step(other, strategy, timeout, failurePolicy);
    }

    /**
     * Returns how the command travels.
     *
     * @return the delivery strategy
     */
    public DeliveryStrategy strategy() {
      return strategy;
    }

    /**
     * Returns the step's timeout, from its start, covering every attempt of its command.
     *
     * @return the timeout, or empty if the step ends only at its command's own deadline (or the plan's)
     */
    public Optional<Duration> timeout() {
      return Optional.ofNullable(timeout);
    }

    /**
     * Returns what the plan does if this step fails.
     *
     * @return the failure policy; {@link SequencePlan#DEFAULT_FAILURE_POLICY} unless set
     */
    public FailurePolicy failurePolicy() {
      return failurePolicy;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Step s && command.equals(s.command) && strategy.equals(s.strategy)
          && Objects.equals(timeout, s.timeout) && failurePolicy.equals(s.failurePolicy);
    }

    @Override
    public int hashCode() {
      return Objects.hash(command, strategy, timeout, failurePolicy);
    }

    @Override
    public String toString() {
      return "Step{" + command + ", " + strategy + (timeout != null ? ", timeout " + Validation.seconds(timeout) : "")
          + ", onFailure " + failurePolicy + '}';
    }
  }

  /** The first stage: a plan needs at least one step. */
  public static final class FirstStep {
    private final String deviceId;
    private @Nullable Duration planTimeout;

    private FirstStep(String deviceId) {
      this.deviceId = deviceId;
    }

    /**
     * Sets the plan timeout; see {@link Steps#planTimeout(Duration)}.
     *
     * @param planTimeout the bound on the whole plan
     * @return this stage
     * @throws IllegalArgumentException if {@code planTimeout} is null or outside {@link #MIN_TIMEOUT} to
     *     {@link #MAX_TIMEOUT}
     */
    public FirstStep planTimeout(Duration planTimeout) {
      this.planTimeout = checkTimeout("planTimeout", planTimeout);
      return this;
    }

    /**
     * Adds the first step, with no timeout of its own and the default failure policy (stop).
     *
     * @param command the command
     * @param strategy how it travels
     * @return the next stage
     * @throws IllegalArgumentException if an argument is null
     */
    public Steps then(Command command, DeliveryStrategy strategy) {
      Steps steps = new Steps(deviceId);
      steps.planTimeout = planTimeout;
      return steps.then(command, strategy);
    }
  }

  /**
   * A plan with at least one step: add more, set the last step's timeout or failure policy, or build. Not
   * thread-safe.
   */
  public static final class Steps {
    private final String deviceId;
    private final List<Command> commands = new ArrayList<>();
    private final List<DeliveryStrategy> strategies = new ArrayList<>();
    private final List<@Nullable Duration> timeouts = new ArrayList<>();
    private final List<FailurePolicy> policies = new ArrayList<>();
    /** Every command id in the plan so far, steps and compensations, and where it is. */
    private final Map<String, String> usedIds = new HashMap<>();
    private @Nullable Duration planTimeout;

    private Steps(String deviceId) {
      this.deviceId = deviceId;
    }

    /**
     * Adds the next step, with no timeout of its own and the default failure policy (stop).
     *
     * @param command the command; its id must differ from every other command id in the plan, compensations
     *     included
     * @param strategy how it travels
     * @return this stage
     * @throws IllegalArgumentException if an argument is null or the command id is already used in the plan
     */
    public Steps then(Command command, DeliveryStrategy strategy) {
      Validation.notNull("command", command);
      Validation.notNull("strategy", strategy);
      int index = commands.size();
      claimId(command, "steps[" + index + "].command");
      commands.add(command);
      strategies.add(strategy);
      timeouts.add(null);
      policies.add(DEFAULT_FAILURE_POLICY);
      return this;
    }

    /**
     * Sets the timeout of the step added last: if it has no terminal outcome within {@code timeout} of its
     * start, its command is cancelled and the step fails, so its failure policy applies. It covers every
     * attempt the strategy's retry policy makes. Setting it again replaces it.
     *
     * @param timeout from the step's start; between {@link #MIN_TIMEOUT} and {@link #MAX_TIMEOUT}
     * @return this stage
     * @throws IllegalArgumentException if {@code timeout} is null or outside that range
     */
    public Steps timeout(Duration timeout) {
      int last = commands.size() - 1;
      timeouts.set(last, checkTimeout("steps[" + last + "].timeout", timeout));
      return this;
    }

    /**
     * Sets what happens if the step added last fails; see {@link FailurePolicy}. Setting it again replaces it
     * (and frees the id of a compensating command it replaces).
     *
     * @param policy the policy
     * @return this stage
     * @throws IllegalArgumentException if {@code policy} is null, or it compensates with a command whose id is
     *     already used in the plan
     */
    public Steps onFailure(FailurePolicy policy) {
      Validation.notNull("policy", policy);
      int last = commands.size() - 1;
      FailurePolicy previous = policies.get(last);
      if (previous instanceof FailurePolicy.Compensate c) {
        usedIds.remove(c.command().id());
      }
      if (policy instanceof FailurePolicy.Compensate c) {
        try {
          claimId(c.command(), "steps[" + last + "].onFailure.command");
        } catch (IllegalArgumentException e) {
          if (previous instanceof FailurePolicy.Compensate p) { // leave the stage as it was
            usedIds.put(p.command().id(), "steps[" + last + "].onFailure.command");
          }
          throw e;
        }
      }
      policies.set(last, policy);
      return this;
    }

    /**
     * Sets the plan timeout, the hard bound on the whole plan from its start (the head-of-line timeout):
     * when it passes, the running step or compensation is cancelled, nothing more is sent, and the plan is
     * {@link SequenceResult.Status#TIMED_OUT}, with the steps not reached reported not run. No failure policy
     * applies then; leave room in it for compensations, and use step timeouts for failures that should be
     * compensated.
     *
     * @param planTimeout between {@link #MIN_TIMEOUT} and {@link #MAX_TIMEOUT}
     * @return this stage
     * @throws IllegalArgumentException if {@code planTimeout} is null or outside that range
     */
    public Steps planTimeout(Duration planTimeout) {
      this.planTimeout = checkTimeout("planTimeout", planTimeout);
      return this;
    }

    /**
     * Builds the plan.
     *
     * @return an immutable plan
     * @throws IllegalStateException if a step's or a compensation's timeout is longer than the plan timeout
     *     (the plan would always end first, so the setting cannot do what it says)
     */
    public SequencePlan build() {
      List<Step> steps = new ArrayList<>(commands.size());
      for (int i = 0; i < commands.size(); i++) {
        Duration timeout = timeouts.get(i);
        FailurePolicy policy = policies.get(i);
        checkWithinPlan("steps[" + i + "].timeout", timeout);
        if (policy instanceof FailurePolicy.Compensate c) {
          checkWithinPlan("steps[" + i + "].onFailure.timeout", c.timeout().orElse(null));
        }
        steps.add(new Step(commands.get(i), strategies.get(i), timeout, policy));
      }
      return new SequencePlan(deviceId, steps, planTimeout);
    }

    private void checkWithinPlan(String field, @Nullable Duration timeout) {
      Duration plan = planTimeout;
      if (timeout != null && plan != null && timeout.compareTo(plan) > 0) {
        throw new IllegalStateException(field + " (" + Validation.seconds(timeout) + ") must not be longer than "
            + "planTimeout (" + Validation.seconds(plan) + "): the plan would always end first");
      }
    }

    private void claimId(Command command, String field) {
      String earlier = usedIds.putIfAbsent(command.id(), field);
      if (earlier != null) {
        throw new IllegalArgumentException(field + ".id must differ from every other command id in the plan "
            + "(ids are idempotency keys), but was '" + command.id() + "', the id of " + earlier);
      }
    }
  }
}
