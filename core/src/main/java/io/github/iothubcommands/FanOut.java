package io.github.iothubcommands;

import io.github.iothubcommands.internal.Validation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One command, or one {@link SequencePlan}, sent to many devices within the hub's quotas: at most {@link
 * Builder#concurrency(int) concurrency} devices in flight, paced at a rate derived from the hub's tier and
 * units that adapts to the hub's 429s. Immutable; run it with {@link CommandClient#fanOut(FanOut)}.
 *
 * <pre>{@code
 * FanOutHandle rollout = client.fanOut(FanOut.to(deviceIds)          // a List, Iterable or Iterator
 *     .command(Command.named("setTarget").id("set-21").jsonPayload(Map.of("celsius", 21)).build(),
 *         DeliveryStrategy.cloudToDevice())
 *     .concurrency(200)
 *     .rate(HubQuota.of(HubTier.S1, 10))
 *     .onResult(r -> { if (!r.succeeded()) log.warn("{}: {}", r.deviceId(), r.outcome()); })
 *     .onProgress(p -> log.info("{}", p))
 *     .progressEvery(Duration.ofSeconds(5))
 *     .build());
 * FanOutSummary summary = rollout.summary().join();
 * }</pre>
 *
 * <h2>Device ids, lazily</h2>
 *
 * <p>Ids are taken from the source only when a device can start (a free slot and the pace allows it), so a
 * fan-out over an {@link Iterator} of millions of ids holds at most {@code concurrency} devices in memory.
 * A {@link Collection} is checked whole before anything is sent (every id valid, none repeated); an id from
 * an {@link Iterable} or {@link Iterator} that is invalid becomes that device's failed result. A fan-out built
 * on an {@code Iterator} runs once.
 *
 * <h2>Command ids</h2>
 *
 * <p>The client tracks commands by id, so each device gets its own: {@link #deviceCommandId(String, String)}
 * derives it from the template's id and the device id, the same on every run, so re-running a fan-out sends
 * each device the same ids (a deduping device runs a command once). The template ids must leave room for the
 * suffix: at most {@value #MAX_TEMPLATE_ID_LENGTH} characters.
 *
 * <h2>Rate</h2>
 *
 * <p>{@link Builder#rate(HubQuota)} derives how many devices may start per second from the quota and what one
 * device costs: a cloud-to-device command one send, a direct method its payload's {@linkplain
 * HubQuota#methodMeters(int) meters}, a plan the sum of its steps (the tighter quota wins). The fan-out starts
 * at that rate, never exceeds it, and adapts: see {@code docs/fanning-out.md}.
 */
public final class FanOut {
  /** Devices in flight at once unless set: {@value}. */
  public static final int DEFAULT_CONCURRENCY = 100;
  /** Most devices in flight at once: {@value}. */
  public static final int MAX_CONCURRENCY = 100_000;
  /** On a 429, the rate is multiplied by this: {@value}. */
  public static final double DEFAULT_DECREASE_FACTOR = 0.5;
  /**
   * After a decrease, the rate grows back by this fraction of the ceiling per second: {@value} (from half the
   * ceiling back to it in 25 s; slower probing meets fewer 429s while another sender shares the quota).
   */
  public static final double DEFAULT_INCREASE_PER_SECOND = 0.02;
  /** The rate never falls below this fraction of the ceiling: {@value}. */
  public static final double MIN_RATE_FRACTION = 0.01;
  /** Sends of one device the fan-out makes when the hub answers 429, the first included: {@value}. */
  public static final int DEFAULT_MAX_THROTTLED_ATTEMPTS = 10;
  /** Characters {@link #deviceCommandId(String, String)} appends to a template id: a dot and 32 hex digits. */
  public static final int DEVICE_SUFFIX_LENGTH = 33;
  /** Longest template command id, so that the derived id fits {@link Command}'s 128: {@value}. */
  public static final int MAX_TEMPLATE_ID_LENGTH = Command.MAX_NAME_LENGTH - DEVICE_SUFFIX_LENGTH;

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final Iterable<String> deviceIds;
  private final OptionalLong size;
  private final @Nullable Command command;
  private final @Nullable DeliveryStrategy strategy;
  private final @Nullable SequencePlan plan;
  private final int concurrency;
  private final @Nullable HubQuota quota;
  private final double ratePerSecond;
  private final double decreaseFactor;
  private final double increasePerSecond;
  private final int maxThrottledAttempts;
  private final @Nullable Duration progressInterval;
  private final int progressEveryResults;
  private final Consumer<FanOutResult> onResult;
  private final Consumer<FanOutProgress> onProgress;
  private final Consumer<FanOutRateChange> onRateChange;

  private FanOut(Builder b, double ratePerSecond) {
    deviceIds = b.targets.ids;
    size = b.targets.size;
    command = b.command;
    strategy = b.strategy;
    plan = b.plan;
    concurrency = b.concurrency;
    quota = b.quota;
    this.ratePerSecond = ratePerSecond;
    decreaseFactor = b.decreaseFactor;
    increasePerSecond = b.increasePerSecond;
    maxThrottledAttempts = b.maxThrottledAttempts;
    progressInterval = b.progressInterval;
    progressEveryResults = b.progressEveryResults;
    onResult = b.onResult;
    onProgress = b.onProgress;
    onRateChange = b.onRateChange;
  }

  /**
   * Starts a fan-out to these devices. The list is checked now: every id valid, none repeated.
   *
   * @param deviceIds the devices, in the order they start
   * @return the next stage, which takes the command or plan
   * @throws IllegalArgumentException if the list is null or empty, or an id is invalid or repeated
   */
  public static Targets to(Collection<String> deviceIds) {
    Validation.notNull("deviceIds", deviceIds);
    if (deviceIds.isEmpty()) {
      throw new IllegalArgumentException("deviceIds must not be empty");
    }
    Map<String, Integer> seen = new HashMap<>();
    int i = 0;
    for (String id : deviceIds) {
      try {
        Validation.deviceId(id);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("deviceIds[" + i + "]: " + e.getMessage(), e);
      }
      Integer earlier = seen.putIfAbsent(id, i);
      if (earlier != null) {
        throw new IllegalArgumentException("deviceIds must not repeat, but '" + id + "' is at index " + earlier
            + " and " + i);
      }
      i++;
    }
    return new Targets(List.copyOf(deviceIds), OptionalLong.of(deviceIds.size()));
  }

  /**
   * Starts a fan-out to the devices an {@code Iterable} yields, read lazily each time the fan-out runs. Ids
   * are checked as they are taken: an invalid one becomes that device's failed result.
   *
   * @param deviceIds the devices, in the order they start
   * @return the next stage
   * @throws IllegalArgumentException if {@code deviceIds} is null
   */
  public static Targets to(Iterable<String> deviceIds) {
    Validation.notNull("deviceIds", deviceIds);
    if (deviceIds instanceof Collection<String> c) {
      return to(c);
    }
    return new Targets(deviceIds, OptionalLong.empty());
  }

  /**
   * Starts a fan-out to the devices an {@code Iterator} yields, read lazily (never more than {@code
   * concurrency} ahead of the results) from the thread that starts devices. The fan-out can run once.
   *
   * @param deviceIds the devices, in the order they start
   * @return the next stage
   * @throws IllegalArgumentException if {@code deviceIds} is null
   */
  public static Targets to(Iterator<String> deviceIds) {
    Validation.notNull("deviceIds", deviceIds);
    AtomicBoolean used = new AtomicBoolean();
    Iterable<String> once = () -> {
      if (used.getAndSet(true)) {
        throw new IllegalStateException("a fan-out built on an Iterator runs once: its ids are consumed; build "
            + "it on a List or an Iterable to run it again");
      }
      return deviceIds;
    };
    return new Targets(once, OptionalLong.empty());
  }

  /**
   * Returns the command id one device receives for a template id: the template id, a dot, and 32 hex digits
   * of the SHA-256 of the device id. Deterministic, so a re-run sends each device the same id, and of a fixed
   * length, so a template id of at most {@value #MAX_TEMPLATE_ID_LENGTH} characters always fits.
   *
   * @param templateId the template command's id
   * @param deviceId the device id
   * @return the device's command id
   * @throws IllegalArgumentException if either is null
   */
  public static String deviceCommandId(String templateId, String deviceId) {
    Validation.notNull("templateId", templateId);
    Validation.notNull("deviceId", deviceId);
    return templateId.concat(deviceSuffix(deviceId));
  }

  /** The dot and 32 hex digits that {@link #deviceCommandId} appends: one SHA-256 per device, however many ids. */
  private static String deviceSuffix(String deviceId) {
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256").digest(deviceId.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) { // every Java platform has SHA-256
      throw new IllegalStateException("SHA-256 is not available", e);
    }
    char[] suffix = new char[DEVICE_SUFFIX_LENGTH];
    suffix[0] = '.';
    for (int i = 0; i < (DEVICE_SUFFIX_LENGTH - 1) / 2; i++) {
      suffix[1 + 2 * i] = HEX[(digest[i] >> 4) & 0xf];
      suffix[2 + 2 * i] = HEX[digest[i] & 0xf];
    }
    return new String(suffix);
  }

  /**
   * Returns the command one device receives: the template with the {@linkplain #deviceCommandId device's
   * id}.
   *
   * @param deviceId the device id
   * @return the device's command
   * @throws IllegalStateException if this fan-out sends a plan
   */
  public Command commandFor(String deviceId) {
    Command c = command;
    if (c == null) {
      throw new IllegalStateException("this fan-out sends a plan: use planFor(deviceId)");
    }
    return c.toBuilder().id(deviceCommandId(c.id(), deviceId)).build();
  }

  /**
   * Returns the plan one device runs: the template's steps, in order, each with the {@linkplain
   * #deviceCommandId device's id}.
   *
   * @param deviceId the device id
   * @return the device's plan
   * @throws IllegalArgumentException if the device id is invalid
   * @throws IllegalStateException if this fan-out sends a single command
   */
  public SequencePlan planFor(String deviceId) {
    SequencePlan p = plan;
    if (p == null) {
      throw new IllegalStateException("this fan-out sends a single command: use commandFor(deviceId)");
    }
    String suffix = deviceSuffix(Validation.notNull("deviceId", deviceId)); // retarget checks the rest
    return p.retarget(deviceId, c -> c.toBuilder().id(c.id().concat(suffix)).build());
  }

  /**
   * Returns the devices' source, which {@link CommandClient#fanOut(FanOut)} reads. An {@code Iterator} source
   * is wrapped so that it runs once: taking its iterator here uses that run.
   *
   * @return the ids as given
   */
  public Iterable<String> deviceIds() {
    return deviceIds;
  }

  /**
   * Returns how many devices the fan-out targets, when known.
   *
   * @return the size of a {@code Collection} source, or empty for an {@code Iterable} or {@code Iterator}
   */
  public OptionalLong size() {
    return size;
  }

  /**
   * Returns whether this fan-out runs a plan on each device rather than sending one command.
   *
   * @return {@code true} for a plan fan-out
   */
  public boolean isPlan() {
    return plan != null;
  }

  /**
   * Returns the template command, for a command fan-out.
   *
   * @return the template, or {@code null} for a plan fan-out
   */
  public @Nullable Command command() {
    return command;
  }

  /**
   * Returns how the template command travels, for a command fan-out.
   *
   * @return the strategy, or {@code null} for a plan fan-out
   */
  public @Nullable DeliveryStrategy strategy() {
    return strategy;
  }

  /**
   * Returns the template plan, for a plan fan-out.
   *
   * @return the plan, or {@code null} for a command fan-out
   */
  public @Nullable SequencePlan plan() {
    return plan;
  }

  /**
   * Returns the most devices in flight at once.
   *
   * @return 1 to {@value #MAX_CONCURRENCY}
   */
  public int concurrency() {
    return concurrency;
  }

  /**
   * Returns the quota the rate was derived from, if one was given.
   *
   * @return the quota, or {@code null} when {@link Builder#ratePerSecond(double)} set the rate
   */
  public @Nullable HubQuota quota() {
    return quota;
  }

  /**
   * Returns the ceiling of the pace: devices started per second. The fan-out starts at it and never exceeds
   * it.
   *
   * @return devices per second, positive
   */
  public double ratePerSecond() {
    return ratePerSecond;
  }

  /**
   * Returns the factor the rate is multiplied by on a 429.
   *
   * @return between 0 and 1, exclusive
   */
  public double decreaseFactor() {
    return decreaseFactor;
  }

  /**
   * Returns how fast the rate grows back after a decrease, as a fraction of the ceiling per second.
   *
   * @return above 0, at most 1
   */
  public double increasePerSecond() {
    return increasePerSecond;
  }

  /**
   * Returns how many times one device is sent when the hub answers 429 (the first send included).
   *
   * @return 1 or more; 1 never resends
   */
  public int maxThrottledAttempts() {
    return maxThrottledAttempts;
  }

  /**
   * Returns how often a progress event is published on the client's time source.
   *
   * @return the interval, or {@code null} for none
   */
  public @Nullable Duration progressInterval() {
    return progressInterval;
  }

  /**
   * Returns after how many device results a progress event is published.
   *
   * @return the count, or 0 for none
   */
  public int progressEveryResults() {
    return progressEveryResults;
  }

  /**
   * Returns the listener for each device's result.
   *
   * @return the listener (a no-op if none was set)
   */
  public Consumer<FanOutResult> onResult() {
    return onResult;
  }

  /**
   * Returns the listener for progress events.
   *
   * @return the listener (a no-op if none was set)
   */
  public Consumer<FanOutProgress> onProgress() {
    return onProgress;
  }

  /**
   * Returns the listener for changes of the pace.
   *
   * @return the listener (a no-op if none was set)
   */
  public Consumer<FanOutRateChange> onRateChange() {
    return onRateChange;
  }

  @Override
  public String toString() {
    return "FanOut{" + (plan != null ? "plan of " + plan.steps().size() + " steps" : "command "
        + Objects.requireNonNull(command).name() + " by " + strategy) + ", devices=" + (size.isPresent()
        ? String.valueOf(size.getAsLong()) : "lazy") + ", concurrency=" + concurrency + ", ratePerSecond="
        + ratePerSecond + (quota != null ? " (" + quota + ")" : "") + '}';
  }

  /** The first stage: which devices. Takes the command or the plan next. */
  public static final class Targets {
    private final Iterable<String> ids;
    private final OptionalLong size;

    private Targets(Iterable<String> ids, OptionalLong size) {
      this.ids = ids;
      this.size = size;
    }

    /**
     * Sends one command to every device.
     *
     * @param command the template: each device receives a copy with its own id
     * @param strategy how it travels
     * @return the builder for the remaining settings
     * @throws IllegalArgumentException if an argument is null, or the command id is longer than {@value
     *     #MAX_TEMPLATE_ID_LENGTH} characters
     */
    public Builder command(Command command, DeliveryStrategy strategy) {
      Validation.notNull("command", command);
      Validation.notNull("strategy", strategy);
      templateId("command.id", command);
      return new Builder(this, command, strategy, null);
    }

    /**
     * Runs a plan on every device: each device's steps in order, devices in parallel up to the concurrency.
     *
     * @param template the plan; its steps are copied to each device with the device's ids (the device id it
     *     was built for is not used)
     * @return the builder for the remaining settings
     * @throws IllegalArgumentException if {@code template} is null, or a step's command id is longer than
     *     {@value #MAX_TEMPLATE_ID_LENGTH} characters
     */
    public Builder plan(SequencePlan template) {
      Validation.notNull("template", template);
      List<SequencePlan.Step> steps = template.steps();
      for (int i = 0; i < steps.size(); i++) {
        templateId("plan step " + i + " command.id", steps.get(i).command());
      }
      return new Builder(this, null, null, template);
    }

    private static void templateId(String field, Command command) {
      if (command.id().length() > MAX_TEMPLATE_ID_LENGTH) {
        throw new IllegalArgumentException(field + " must be at most " + MAX_TEMPLATE_ID_LENGTH + " characters in "
            + "a fan-out (each device's id appends " + DEVICE_SUFFIX_LENGTH + "), but was " + command.id().length()
            + " characters ('" + command.id() + "')");
      }
    }
  }

  /** The remaining settings; {@link #build()} needs a rate. */
  public static final class Builder {
    private final Targets targets;
    private final @Nullable Command command;
    private final @Nullable DeliveryStrategy strategy;
    private final @Nullable SequencePlan plan;
    private int concurrency = DEFAULT_CONCURRENCY;
    private @Nullable HubQuota quota;
    private @Nullable Double ratePerSecond;
    private double decreaseFactor = DEFAULT_DECREASE_FACTOR;
    private double increasePerSecond = DEFAULT_INCREASE_PER_SECOND;
    private int maxThrottledAttempts = DEFAULT_MAX_THROTTLED_ATTEMPTS;
    private @Nullable Duration progressInterval;
    private int progressEveryResults;
    private Consumer<FanOutResult> onResult = r -> { };
    private Consumer<FanOutProgress> onProgress = p -> { };
    private Consumer<FanOutRateChange> onRateChange = c -> { };

    private Builder(Targets targets, @Nullable Command command, @Nullable DeliveryStrategy strategy,
        @Nullable SequencePlan plan) {
      this.targets = targets;
      this.command = command;
      this.strategy = strategy;
      this.plan = plan;
    }

    /**
     * Sets the most devices in flight at once (sent and without a result yet, or waiting to be resent).
     *
     * @param concurrency 1 to {@value #MAX_CONCURRENCY}, default {@value #DEFAULT_CONCURRENCY}
     * @return this builder
     * @throws IllegalArgumentException if {@code concurrency} is outside that range
     */
    public Builder concurrency(int concurrency) {
      if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
        throw new IllegalArgumentException("concurrency must be between 1 and " + MAX_CONCURRENCY + ", but was "
            + concurrency);
      }
      this.concurrency = concurrency;
      return this;
    }

    /**
     * Paces the fan-out at the hub's quota: devices per second = the tighter of the quota's cloud-to-device
     * sends and direct method meters per second, divided by what one device costs. Either this or {@link
     * #ratePerSecond(double)} is required.
     *
     * @param quota the hub's tier and units, such as {@code HubQuota.of(HubTier.S1, 10)}
     * @return this builder
     * @throws IllegalArgumentException if {@code quota} is null
     */
    public Builder rate(HubQuota quota) {
      this.quota = Validation.notNull("quota", quota);
      return this;
    }

    /**
     * Paces the fan-out at this many devices started per second, for a hub shared with other senders (give
     * the share this fan-out may use). Either this or {@link #rate(HubQuota)} is required.
     *
     * @param perSecond devices per second, positive and finite
     * @return this builder
     * @throws IllegalArgumentException if {@code perSecond} is not positive or not finite
     */
    public Builder ratePerSecond(double perSecond) {
      if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
        throw new IllegalArgumentException("ratePerSecond must be positive and finite, but was " + perSecond);
      }
      this.ratePerSecond = perSecond;
      return this;
    }

    /**
     * Sets the factor the rate is multiplied by when the hub answers 429 (at most once per round of sends).
     *
     * @param factor above 0 and below 1, default {@value #DEFAULT_DECREASE_FACTOR}
     * @return this builder
     * @throws IllegalArgumentException if {@code factor} is outside that range
     */
    public Builder decreaseFactor(double factor) {
      if (!(factor > 0 && factor < 1)) {
        throw new IllegalArgumentException("decreaseFactor must be above 0 and below 1, but was " + factor);
      }
      this.decreaseFactor = factor;
      return this;
    }

    /**
     * Sets how fast the rate grows back after a decrease, as a fraction of the ceiling per second.
     *
     * @param fraction above 0 and at most 1, default {@value #DEFAULT_INCREASE_PER_SECOND}
     * @return this builder
     * @throws IllegalArgumentException if {@code fraction} is outside that range
     */
    public Builder increasePerSecond(double fraction) {
      if (!(fraction > 0 && fraction <= 1)) {
        throw new IllegalArgumentException("increasePerSecond must be above 0 and at most 1, but was " + fraction);
      }
      this.increasePerSecond = fraction;
      return this;
    }

    /**
     * Sets how many times one device is sent when the hub answers 429, the first send included. A throttled
     * send had no effect on the hub, so sending it again (same id) is safe; a plan is sent again only when
     * its first step was throttled.
     *
     * @param attempts 1 or more (1 never resends), default {@value #DEFAULT_MAX_THROTTLED_ATTEMPTS}
     * @return this builder
     * @throws IllegalArgumentException if {@code attempts} is below 1
     */
    public Builder maxThrottledAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("maxThrottledAttempts must be at least 1, but was " + attempts);
      }
      this.maxThrottledAttempts = attempts;
      return this;
    }

    /**
     * Publishes a progress event at this interval of the client's time source, and one when the fan-out
     * ends.
     *
     * @param interval positive
     * @return this builder
     * @throws IllegalArgumentException if {@code interval} is null or not positive
     */
    public Builder progressEvery(Duration interval) {
      Validation.notNull("progressInterval", interval);
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("progressInterval must be positive, but was " + interval);
      }
      this.progressInterval = interval;
      return this;
    }

    /**
     * Publishes a progress event after every {@code results} device results, and one when the fan-out ends.
     *
     * @param results 1 or more
     * @return this builder
     * @throws IllegalArgumentException if {@code results} is below 1
     */
    public Builder progressEveryResults(int results) {
      if (results < 1) {
        throw new IllegalArgumentException("progressEveryResults must be at least 1, but was " + results);
      }
      this.progressEveryResults = results;
      return this;
    }

    /**
     * Sets the listener for each device's result, called once per device on the thread that completed it
     * (keep it short). What it throws is logged and ignored.
     *
     * @param listener the listener
     * @return this builder
     * @throws IllegalArgumentException if {@code listener} is null
     */
    public Builder onResult(Consumer<FanOutResult> listener) {
      this.onResult = Validation.notNull("onResult", listener);
      return this;
    }

    /**
     * Sets the listener for progress events (see {@link #progressEvery} and {@link #progressEveryResults}).
     * What it throws is logged and ignored.
     *
     * @param listener the listener
     * @return this builder
     * @throws IllegalArgumentException if {@code listener} is null
     */
    public Builder onProgress(Consumer<FanOutProgress> listener) {
      this.onProgress = Validation.notNull("onProgress", listener);
      return this;
    }

    /**
     * Sets the listener for changes of the pace: a decrease on a 429, and the return to the ceiling. What it
     * throws is logged and ignored.
     *
     * @param listener the listener
     * @return this builder
     * @throws IllegalArgumentException if {@code listener} is null
     */
    public Builder onRateChange(Consumer<FanOutRateChange> listener) {
      this.onRateChange = Validation.notNull("onRateChange", listener);
      return this;
    }

    /**
     * Builds the fan-out.
     *
     * @return the fan-out
     * @throws IllegalStateException if neither or both of {@code rate(HubQuota)} and {@code
     *     ratePerSecond(double)} were set
     */
    public FanOut build() {
      HubQuota q = quota;
      Double r = ratePerSecond;
      if (q != null && r != null) {
        throw new IllegalStateException("rate(HubQuota) and ratePerSecond(double) must not both be set: the quota "
            + "derives the rate; give one");
      }
      if (q == null && r == null) {
        throw new IllegalStateException("a rate must be set before build(): call rate(HubQuota.of(tier, units)) "
            + "or ratePerSecond(devicesPerSecond)");
      }
      return new FanOut(this, r != null ? r : devicesPerSecond(q));
    }

    private double devicesPerSecond(HubQuota q) {
      int sends = 0;
      long meters = 0;
      if (plan != null) {
        for (SequencePlan.Step step : plan.steps()) {
          int[] cost = cost(step.command(), step.strategy());
          sends += cost[0];
          meters += cost[1];
        }
      } else {
        int[] cost = cost(Objects.requireNonNull(command), Objects.requireNonNull(strategy));
        sends = cost[0];
        meters = cost[1];
      }
      double perSecond = Double.MAX_VALUE;
      if (sends > 0) {
        perSecond = Math.min(perSecond, q.cloudToDeviceSendsPerSecond() / sends);
      }
      if (meters > 0) {
        perSecond = Math.min(perSecond, (double) q.methodBytesPerSecond() / HubQuota.METHOD_METER_BYTES / meters);
      }
      return perSecond;
    }

    /** Cloud-to-device sends and method meters one command costs; a strategy that is neither may use both. */
    private static int[] cost(Command command, DeliveryStrategy strategy) {
      int meters = HubQuota.methodMeters(command.payloadSize());
      if (strategy instanceof CloudToDevice) {
        return new int[] {1, 0};
      }
      if (strategy instanceof DirectMethod) {
        return new int[] {0, meters};
      }
      return new int[] {1, meters};
    }
  }
}
