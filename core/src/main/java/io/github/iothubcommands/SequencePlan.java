package io.github.iothubcommands;

import io.github.iothubcommands.internal.Validation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Ordered commands for one device. Step n+1 starts only after step n has reached a successful terminal
 * outcome; the first unsuccessful step stops the plan, and the {@link SequenceResult} reports every step,
 * run or not. Built in stages, so only a plan with at least one step can be built:
 *
 * <pre>{@code
 * SequencePlan update = SequencePlan.forDevice("pump-3")
 *     .then(Command.named("download").jsonPayload(Map.of("url", url)).build(), DeliveryStrategy.cloudToDevice())
 *     .then(Command.named("install").build(), DeliveryStrategy.directMethod())
 *     .then(Command.named("reboot").build(), DeliveryStrategy.directMethod())
 *     .build();
 * SequenceResult result = client.run(update);
 * }</pre>
 *
 * <p>Direct methods have no queue, so ordering them is the caller's job; this plan does it. Cloud-to-device
 * steps wait for their feedback before the next step starts (with {@link Acknowledgement#NONE}, only for
 * the hub to queue them).
 */
public final class SequencePlan {
  private final String deviceId;
  private final List<Step> steps;

  private SequencePlan(String deviceId, List<Step> steps) {
    this.deviceId = deviceId;
    this.steps = List.copyOf(steps);
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

  /** The same steps, in order, for another device, each command replaced (a fan-out gives each device its ids). */
  SequencePlan retarget(String deviceId, UnaryOperator<Command> commands) {
    Validation.deviceId(deviceId);
    List<Step> copies = new ArrayList<>(steps.size());
    for (Step step : steps) {
      copies.add(step.withCommand(commands.apply(step.command)));
    }
    return new SequencePlan(deviceId, copies);
  }

  @Override
  public String toString() {
    return "SequencePlan{deviceId=" + deviceId + ", steps=" + steps + '}';
  }

  /** One step: a command and how it travels. Immutable; made by the plan's builder. */
  public static final class Step {
    private final Command command;
    private final DeliveryStrategy strategy;

    private Step(Command command, DeliveryStrategy strategy) {
      this.command = Objects.requireNonNull(command, "command");
      this.strategy = Objects.requireNonNull(strategy, "strategy");
    }

    /**
     * Returns the command.
     *
     * @return the command
     */
    public Command command() {
      return command;
    }

    /** This step with another command (same strategy and settings). */
    Step withCommand(Command other) {
      return new Step(other, strategy);
    }

    /**
     * Returns how the command travels.
     *
     * @return the delivery strategy
     */
    public DeliveryStrategy strategy() {
      return strategy;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Step s && command.equals(s.command) && strategy.equals(s.strategy);
    }

    @Override
    public int hashCode() {
      return Objects.hash(command, strategy);
    }

    @Override
    public String toString() {
      return "Step{" + command + ", " + strategy + '}';
    }
  }

  /** The first stage: a plan needs at least one step. */
  public static final class FirstStep {
    private final String deviceId;

    private FirstStep(String deviceId) {
      this.deviceId = deviceId;
    }

    /**
     * Adds the first step.
     *
     * @param command the command
     * @param strategy how it travels
     * @return the next stage
     * @throws IllegalArgumentException if an argument is null
     */
    public Steps then(Command command, DeliveryStrategy strategy) {
      return new Steps(deviceId).then(command, strategy);
    }
  }

  /** A plan with at least one step: add more, or build. */
  public static final class Steps {
    private final String deviceId;
    private final List<Step> steps = new ArrayList<>();
    private final Map<String, Integer> stepByCommandId = new HashMap<>();

    private Steps(String deviceId) {
      this.deviceId = deviceId;
    }

    /**
     * Adds the next step.
     *
     * @param command the command; its id must differ from every earlier step's
     * @param strategy how it travels
     * @return this stage
     * @throws IllegalArgumentException if an argument is null or the command id repeats an earlier step's
     */
    public Steps then(Command command, DeliveryStrategy strategy) {
      Validation.notNull("command", command);
      Validation.notNull("strategy", strategy);
      Integer earlier = stepByCommandId.putIfAbsent(command.id(), steps.size());
      if (earlier != null) {
        throw new IllegalArgumentException("step " + steps.size() + " command id must differ from every earlier "
            + "step's (ids are idempotency keys), but was '" + command.id() + "', the id of step " + earlier);
      }
      steps.add(new Step(command, strategy));
      return this;
    }

    /**
     * Builds the plan.
     *
     * @return an immutable plan
     */
    public SequencePlan build() {
      return new SequencePlan(deviceId, steps);
    }
  }
}
