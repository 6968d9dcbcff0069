package io.github.iothubcommands.examples;

import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.CloudToDevice;
import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandHandle;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.DirectMethod;
import io.github.iothubcommands.SequencePlan;
import io.github.iothubcommands.SequenceResult;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The demo's cases, one command per case the library distinguishes, sent through a {@link CommandClient}
 * whatever hub it talks to; and the table they are printed as. Every mode runs exactly this code: only the
 * devices behind the hub ({@link Stage}) and the timings ({@link Timing}) differ.
 */
final class DemoCases {
  /** The demo's devices, by the names the cases use. */
  static final List<String> DEVICES =
      List.of("thermostat-1", "pump-2", "lamp-3", "sensor-4", "valve-5", "gateway-6");
  /** The device that runs the sequence plan. */
  static final String GATEWAY = "gateway-6";
  /** The device that is offline, then connects while a direct method waits for it. */
  static final String LATE_DEVICE = "pump-2";

  private static final int MIN_DEVICE_WIDTH = 12;

  private DemoCases() {}

  /** What the cases need from the hub they run on. */
  interface Stage {
    /**
     * Returns the hub's id of a demo device.
     *
     * @param name one of {@link #DEVICES}
     * @return its device id on this hub
     */
    String deviceId(String name);

    /**
     * Returns the time on the hub's clock, to measure how long each case took.
     *
     * @return now
     */
    Instant now();

    /**
     * Has the device connect after a delay (it is offline until then).
     *
     * @param name one of {@link #DEVICES}
     * @param delay from now
     */
    void connectAfter(String name, Duration delay);
  }

  /**
   * How long the waits of a mode are.
   *
   * @param feedbackWindow the client's feedback window
   * @param connectDelay how long the late device stays offline
   * @param connectTimeout the connect timeout of the direct method that waits for it
   * @param shortTimeToLive the time-to-live of the message to the device that never connects
   * @param deadline how long the run may wait for all its outcomes before it gives up
   */
  record Timing(Duration feedbackWindow, Duration connectDelay, Duration connectTimeout, Duration shortTimeToLive,
      Duration deadline) {}

  /**
   * What a run gives.
   *
   * @param rows one per case, in the table's order
   * @param sequence the sequence plan's result
   */
  record Result(List<Demo.Row> rows, SequenceResult sequence) {}

  /**
   * Sends every case, waits for every outcome and returns them. The devices must be scripted as the labels
   * say: {@link #LATE_DEVICE} offline (this connects it through the stage), {@code sensor-4} never online,
   * the others online.
   *
   * @param client the client, over the hub's transport
   * @param stage the devices behind the hub
   * @param timing the mode's waits
   * @return the rows and the sequence plan's result
   * @throws IllegalStateException if an outcome is still missing at the timing's deadline
   */
  static Result run(CommandClient client, Stage stage, Timing timing) {
    Instant deadline = stage.now().plus(timing.deadline());
    List<Pending> pending = new ArrayList<>();
    pending.add(send(client, stage, "direct method, device online", "thermostat-1",
        Command.named("setTarget").jsonPayload(Map.of("celsius", 21)).build(), DeliveryStrategy.directMethod()));
    pending.add(send(client, stage, "direct method, device offline, connect timeout 0 s", LATE_DEVICE,
        Command.named("start").build(), DeliveryStrategy.directMethod()));
    stage.connectAfter(LATE_DEVICE, timing.connectDelay());
    pending.add(send(client, stage, "direct method, device connects after " + seconds(timing.connectDelay())
            + ", connect timeout " + seconds(timing.connectTimeout()), LATE_DEVICE,
        Command.named("start").build(), DirectMethod.custom().connectTimeout(timing.connectTimeout()).build()));
    pending.add(send(client, stage, "C2D, device completes it (feedback Success)", "lamp-3",
        Command.named("dim").jsonPayload(Map.of("level", 40)).build(), DeliveryStrategy.cloudToDevice()));
    pending.add(send(client, stage, "C2D, device offline, time-to-live " + seconds(timing.shortTimeToLive()),
        "sensor-4", Command.named("calibrate").build(), CloudToDevice.custom()
            .timeToLive(timing.shortTimeToLive()).acknowledgement(Acknowledgement.FULL).build()));
    pending.add(send(client, stage, "C2D, device rejects it", "valve-5",
        Command.named("open").jsonPayload(Map.of("percent", 100)).build(), DeliveryStrategy.cloudToDevice()));

    Instant planStart = stage.now();
    SequencePlan update = SequencePlan.forDevice(stage.deviceId(GATEWAY))
        .then(Command.named("download").jsonPayload(Map.of("url", "https://example.invalid/fw-2.1.bin")).build(),
            DeliveryStrategy.cloudToDevice())
        .then(Command.named("install").build(), DeliveryStrategy.directMethod())
        .then(Command.named("reboot").build(), DeliveryStrategy.directMethod())
        .build();
    CompletableFuture<SequenceResult> sequence = client.runAsync(update);

    List<Demo.Row> rows = new ArrayList<>();
    for (Pending p : pending) {
      CommandOutcome o = await(p.handle.outcome(), p.label, stage, deadline);
      rows.add(new Demo.Row(p.label, strategyName(p.handle.strategy()), o, millisBetween(p.sentAt, o.completedAt())));
    }
    SequenceResult result = await(sequence, "the sequence plan", stage, deadline);
    Instant stepStart = planStart;
    for (SequenceResult.StepResult step : result.steps()) {
      if (!step.wasRun()) {
        continue;
      }
      CommandOutcome o = step.outcome().orElseThrow();
      rows.add(new Demo.Row("sequence step " + (step.index() + 1) + "/3: " + step.step().command().name(),
          strategyName(step.step().strategy()), o, millisBetween(stepStart, o.completedAt())));
      stepStart = o.completedAt();
    }
    return new Result(List.copyOf(rows), result);
  }

  /**
   * Prints the table and the sequence plan's line.
   *
   * @param out where to
   * @param result a run's result
   */
  static void print(PrintStream out, Result result) {
    int deviceWidth = MIN_DEVICE_WIDTH;
    for (Demo.Row r : result.rows()) {
      deviceWidth = Math.max(deviceWidth, r.outcome().deviceId().length());
    }
    String format = "%-62s %-14s %-" + deviceWidth + "s %-15s %7s  %s%n";
    out.printf(format, "case", "strategy", "device", "status", "took", "detail");
    out.println("-".repeat(150 + deviceWidth - MIN_DEVICE_WIDTH));
    for (Demo.Row r : result.rows()) {
      CommandOutcome o = r.outcome();
      String detail = o.methodResponse().map(m -> "device replied " + m.status() + " " + m.payloadJson())
          .orElse(o.detail());
      out.printf(format, r.label(), r.strategy(), o.deviceId(), o.status() + (o.inferred() ? "*" : ""),
          r.millis() + " ms", detail);
    }
    SequenceResult s = result.sequence();
    out.printf("%nSequence plan on %s: %s (each step started after the previous one's outcome).%n", s.deviceId(),
        s.succeeded() ? "all 3 steps succeeded" : "stopped at step " + s.failedStep().orElseThrow().index());
  }

  private static Pending send(CommandClient client, Stage stage, String label, String device, Command command,
      DeliveryStrategy strategy) {
    Instant sentAt = stage.now();
    return new Pending(label, client.sendAsync(stage.deviceId(device), command, strategy), sentAt);
  }

  private static <T> T await(CompletableFuture<T> future, String what, Stage stage, Instant deadline) {
    try {
      return future.get(Math.max(0, Duration.between(stage.now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("no outcome for '" + what + "' by the demo's deadline", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("'" + what + "' failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for '" + what + "'", e);
    }
  }

  private static String seconds(Duration d) {
    return d.toSeconds() + " s";
  }

  private static long millisBetween(Instant from, Instant to) {
    return Duration.between(from, to).toMillis();
  }

  private static String strategyName(DeliveryStrategy s) {
    return s instanceof DirectMethod ? "direct method" : "C2D";
  }

  private record Pending(String label, CommandHandle handle, Instant sentAt) {}
}
