package io.github.iothubcommands.metrics;

import io.github.iothubcommands.CloudToDevice;
import io.github.iothubcommands.CommandEvent;
import io.github.iothubcommands.CommandListener;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.DirectMethod;
import io.github.iothubcommands.Fallback;
import io.github.iothubcommands.FanOutProgress;
import io.github.iothubcommands.Mechanism;
import io.github.iothubcommands.internal.Validation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * Records what a {@link io.github.iothubcommands.CommandClient} does as Micrometer meters. Register it as a
 * listener; Micrometer is an optional dependency of core, needed only by this class.
 *
 * <pre>{@code
 * MicrometerCommandMetrics metrics = MicrometerCommandMetrics.bindTo(registry);
 * CommandClient client = CommandClient.builder().transport(transport).listener(metrics).build();
 * client.fanOut(FanOut.to(ids).command(cmd, strategy).onProgress(metrics.fanOutProgress("firmware-rollout"))
 *     .build());
 * }</pre>
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>{@value #COMMANDS}</td><td>counter</td><td>strategy, status, mechanism</td><td>commands that
 *       reached a terminal status</td></tr>
 *   <tr><td>{@value #LATENCY}</td><td>timer</td><td>strategy, status</td><td>from QUEUED to the terminal
 *       status, on the client's time source (virtual time on the fake hub)</td></tr>
 *   <tr><td>{@value #ATTEMPTS}</td><td>distribution summary</td><td>strategy</td><td>attempts per finished
 *       command</td></tr>
 *   <tr><td>{@value #IN_FLIGHT}</td><td>gauge</td><td>—</td><td>commands queued and not yet terminal</td></tr>
 *   <tr><td>{@value #RETRIES}</td><td>counter</td><td>strategy</td><td>retries scheduled</td></tr>
 *   <tr><td>{@value #FALLBACKS}</td><td>counter</td><td>—</td><td>fallbacks from a direct method to C2D</td></tr>
 *   <tr><td>{@value #FAN_OUT_RATE}, {@value #FAN_OUT_DONE}, {@value #FAN_OUT_IN_FLIGHT}</td><td>gauges</td>
 *       <td>fanout</td><td>a fan-out's current send rate per second, devices done, devices in flight
 *       ({@link #fanOutProgress(String)})</td></tr>
 * </table>
 *
 * <p>Tag values: {@code strategy} is {@code cloud-to-device}, {@code direct-method} or {@code fallback};
 * {@code status} the {@link CommandStatus} name; {@code mechanism} the {@link Mechanism} that carried the
 * command's last attempt, or {@code none}. Device and command ids are never tags (unbounded cardinality);
 * meters are made once per tag combination and cached, so recording allocates nothing per command.
 * Thread-safe.
 */
public final class MicrometerCommandMetrics implements CommandListener {
  /** Counter of finished commands. */
  public static final String COMMANDS = "iothub.commands";
  /** Timer of end-to-end latency. */
  public static final String LATENCY = "iothub.commands.latency";
  /** Distribution summary of attempts per finished command. */
  public static final String ATTEMPTS = "iothub.commands.attempts";
  /** Gauge of commands in flight. */
  public static final String IN_FLIGHT = "iothub.commands.in.flight";
  /** Counter of retries scheduled. */
  public static final String RETRIES = "iothub.commands.retries";
  /** Counter of fallbacks taken. */
  public static final String FALLBACKS = "iothub.commands.fallbacks";
  /** Gauge of a fan-out's current rate, per second. */
  public static final String FAN_OUT_RATE = "iothub.fanout.rate";
  /** Gauge of a fan-out's devices done. */
  public static final String FAN_OUT_DONE = "iothub.fanout.done";
  /** Gauge of a fan-out's devices in flight. */
  public static final String FAN_OUT_IN_FLIGHT = "iothub.fanout.in.flight";

  private static final String[] STRATEGIES = {"cloud-to-device", "direct-method", "fallback"};
  private static final CommandStatus[] STATUSES = CommandStatus.values();
  private static final Mechanism[] MECHANISMS = Mechanism.values();
  private static final DeliveryStrategy.Visitor<Integer> STRATEGY_INDEX = new DeliveryStrategy.Visitor<>() {
    @Override
    public Integer visitCloudToDevice(CloudToDevice strategy) {
      return 0;
    }

    @Override
    public Integer visitDirectMethod(DirectMethod strategy) {
      return 1;
    }

    @Override
    public Integer visitFallback(Fallback strategy) {
      return 2;
    }
  };

  private final MeterRegistry registry;
  private final AtomicLong inFlight = new AtomicLong();
  /** By [strategy][status][mechanism or none]. */
  private final AtomicReferenceArray<Counter> commands;
  /** By [strategy][status]. */
  private final AtomicReferenceArray<Timer> latency;
  private final Counter[] retries = new Counter[STRATEGIES.length];
  private final DistributionSummary[] attempts = new DistributionSummary[STRATEGIES.length];
  private final Counter fallbacks;

  private MicrometerCommandMetrics(MeterRegistry registry) {
    this.registry = registry;
    commands = new AtomicReferenceArray<>(STRATEGIES.length * STATUSES.length * (MECHANISMS.length + 1));
    latency = new AtomicReferenceArray<>(STRATEGIES.length * STATUSES.length);
    for (int s = 0; s < STRATEGIES.length; s++) {
      retries[s] = Counter.builder(RETRIES).description("Retries scheduled after a failed attempt")
          .tag("strategy", STRATEGIES[s]).register(registry);
      attempts[s] = DistributionSummary.builder(ATTEMPTS).description("Attempts made per finished command")
          .tag("strategy", STRATEGIES[s]).register(registry);
    }
    fallbacks = Counter.builder(FALLBACKS).description("Direct methods that fell back to cloud-to-device")
        .register(registry);
    Gauge.builder(IN_FLIGHT, inFlight, AtomicLong::get).description("Commands queued and not yet terminal")
        .register(registry);
  }

  /**
   * Makes the listener and registers its meters with {@code registry}.
   *
   * @param registry where the meters go
   * @return the listener, to register with {@link io.github.iothubcommands.CommandClientBuilder#listener}
   * @throws IllegalArgumentException if {@code registry} is null
   */
  public static MicrometerCommandMetrics bindTo(MeterRegistry registry) {
    return new MicrometerCommandMetrics(Validation.notNull("registry", registry));
  }

  @Override
  public void onEvent(CommandEvent event) {
    int s = event.strategy().map(st -> st.accept(STRATEGY_INDEX)).orElse(-1);
    switch (event.kind()) {
      case RETRY_SCHEDULED -> {
        if (s >= 0) {
          retries[s].increment();
        }
      }
      case FALLBACK_TAKEN -> fallbacks.increment();
      case STATUS_CHANGED -> {
        if (event.status() == CommandStatus.QUEUED) {
          inFlight.incrementAndGet();
        } else if (event.status().isTerminal()) {
          inFlight.decrementAndGet();
          if (s >= 0) {
            finished(s, event);
          }
        }
      }
    }
  }

  private void finished(int s, CommandEvent event) {
    CommandOutcome outcome = event.outcome().orElseThrow();
    int status = event.status().ordinal();
    int mechanism = outcome.mechanism().map(m -> m.ordinal() + 1).orElse(0);
    commandCounter(s, status, mechanism).increment();
    attempts[s].record(outcome.attempts());
    event.queuedAt().ifPresent(q -> latencyTimer(s, status).record(Duration.between(q, event.at())));
  }

  private Counter commandCounter(int s, int status, int mechanism) {
    int i = (s * STATUSES.length + status) * (MECHANISMS.length + 1) + mechanism;
    Counter c = commands.get(i);
    if (c == null) { // registering twice returns the same meter, so a race is harmless
      c = Counter.builder(COMMANDS).description("Commands that reached a terminal status")
          .tag("strategy", STRATEGIES[s]).tag("status", STATUSES[status].name())
          .tag("mechanism", mechanism == 0 ? "none" : MECHANISMS[mechanism - 1].name().toLowerCase(
              java.util.Locale.ROOT).replace('_', '-'))
          .register(registry);
      commands.set(i, c);
    }
    return c;
  }

  private Timer latencyTimer(int s, int status) {
    int i = s * STATUSES.length + status;
    Timer t = latency.get(i);
    if (t == null) {
      t = Timer.builder(LATENCY).description("From QUEUED to the terminal status, on the client's time source")
          .tag("strategy", STRATEGIES[s]).tag("status", STATUSES[status].name()).register(registry);
      latency.set(i, t);
    }
    return t;
  }

  /**
   * Returns a progress listener for a fan-out ({@code FanOut.Builder.onProgress}) that keeps the fan-out
   * gauges of this name up to date: current rate, devices done, devices in flight.
   *
   * @param name the fan-out's name, the {@code fanout} tag: keep the set of names small (a rollout, not a
   *     device or a run id)
   * @return the listener
   * @throws IllegalArgumentException if {@code name} is null or blank
   */
  public Consumer<FanOutProgress> fanOutProgress(String name) {
    Validation.printableAscii("name", name, 64);
    AtomicReference<FanOutProgress> last = new AtomicReference<>();
    Gauge.builder(FAN_OUT_RATE, last, r -> r.get() == null ? 0 : r.get().ratePerSecond()).tag("fanout", name)
        .description("A fan-out's current send rate per second").register(registry);
    Gauge.builder(FAN_OUT_DONE, last, r -> r.get() == null ? 0 : r.get().done()).tag("fanout", name)
        .description("A fan-out's devices done").register(registry);
    Gauge.builder(FAN_OUT_IN_FLIGHT, last, r -> r.get() == null ? 0 : r.get().inFlight()).tag("fanout", name)
        .description("A fan-out's devices in flight").register(registry);
    return last::set;
  }
}
