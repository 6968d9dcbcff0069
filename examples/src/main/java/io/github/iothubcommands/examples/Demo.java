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
import io.github.iothubcommands.testkit.FakeHub;
import io.github.iothubcommands.testkit.MessageReply;
import io.github.iothubcommands.testkit.MethodReply;
import io.github.iothubcommands.engine.HubLimits;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The README's demo: a fake hub in real time with a few simulated devices, and one command per case the
 * library distinguishes, printed as a table. Runs in about five seconds.
 *
 * <p>The hub's feedback batch interval is cut from 15 s to 1 s and the client's feedback window to 2 s so
 * the demo is brisk; everything else is IoT Hub's behaviour.
 */
public final class Demo {
  private Demo() {}

  /**
   * Runs the demo.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    run(System.out);
  }

  /**
   * Runs the demo, printing the table to {@code out}.
   *
   * @param out where the table goes
   * @return one row per case
   */
  public static List<Row> run(PrintStream out) {
    HubLimits brisk = HubLimits.custom().feedbackBatchInterval(Duration.ofSeconds(1)).build();
    try (FakeHub hub = FakeHub.realTime(brisk);
        CommandClient client = CommandClient.builder().transport(hub.transport())
            .feedbackWindow(Duration.ofSeconds(2)).build()) {
      hub.device("thermostat-1").onMethod("setTarget", MethodReply.respond(200, "{\"target\":21}")).connect();
      hub.device("pump-2").onMethod("start", MethodReply.respond(200, "{\"running\":true}"));
      hub.device("lamp-3").connect(); // completes every message
      hub.device("sensor-4"); // never connects
      hub.device("valve-5").onMessage(m -> MessageReply.reject()).connect();
      hub.device("gateway-6")
          .onMethod("install", MethodReply.respond(200, "{\"version\":\"2.1\"}").after(Duration.ofMillis(300)))
          .onMethod("reboot", MethodReply.respond(202, "{}"))
          .connect();

      List<Pending> pending = new ArrayList<>();
      pending.add(send(hub, client, "direct method, device online", "thermostat-1",
          Command.named("setTarget").jsonPayload(Map.of("celsius", 21)).build(), DeliveryStrategy.directMethod()));
      pending.add(send(hub, client, "direct method, device offline, connect timeout 0 s", "pump-2",
          Command.named("start").build(), DeliveryStrategy.directMethod()));
      hub.device("pump-2").connectAfter(Duration.ofSeconds(2));
      pending.add(send(hub, client, "direct method, device connects after 2 s, connect timeout 5 s", "pump-2",
          Command.named("start").build(), DirectMethod.custom().connectTimeout(Duration.ofSeconds(5)).build()));
      pending.add(send(hub, client, "C2D, device completes it (feedback Success)", "lamp-3",
          Command.named("dim").jsonPayload(Map.of("level", 40)).build(), DeliveryStrategy.cloudToDevice()));
      pending.add(send(hub, client, "C2D, device offline, time-to-live 2 s", "sensor-4",
          Command.named("calibrate").build(),
          CloudToDevice.custom().timeToLive(Duration.ofSeconds(2)).acknowledgement(Acknowledgement.FULL).build()));
      pending.add(send(hub, client, "C2D, device rejects it", "valve-5",
          Command.named("open").jsonPayload(Map.of("percent", 100)).build(), DeliveryStrategy.cloudToDevice()));

      Instant planStart = hub.now();
      SequencePlan update = SequencePlan.forDevice("gateway-6")
          .then(Command.named("download").jsonPayload(Map.of("url", "https://example.invalid/fw-2.1.bin")).build(),
              DeliveryStrategy.cloudToDevice())
          .then(Command.named("install").build(), DeliveryStrategy.directMethod())
          .then(Command.named("reboot").build(), DeliveryStrategy.directMethod())
          .build();
      CompletableFuture<SequenceResult> sequence = client.runAsync(update);

      List<Row> rows = new ArrayList<>();
      for (Pending p : pending) {
        CommandOutcome o = p.handle.outcome().join();
        rows.add(new Row(p.label, strategyName(p.handle.strategy()), o, millisBetween(p.sentAt, o.completedAt())));
      }
      SequenceResult result = sequence.join();
      Instant stepStart = planStart;
      for (SequenceResult.StepResult step : result.steps()) {
        if (!step.wasRun()) {
          continue;
        }
        CommandOutcome o = step.outcome().orElseThrow();
        rows.add(new Row("sequence step " + (step.index() + 1) + "/3: " + step.step().command().name(),
            strategyName(step.step().strategy()), o, millisBetween(stepStart, o.completedAt())));
        stepStart = o.completedAt();
      }
      print(out, rows);
      out.printf("%nSequence plan on gateway-6: %s (each step started after the previous one's outcome).%n",
          result.succeeded() ? "all 3 steps succeeded" : "stopped at step " + result.failedStep().orElseThrow().index());
      return rows;
    }
  }

  private static Pending send(FakeHub hub, CommandClient client, String label, String device, Command command,
      DeliveryStrategy strategy) {
    Instant sentAt = hub.now();
    return new Pending(label, client.sendAsync(device, command, strategy), sentAt);
  }

  private static long millisBetween(Instant from, Instant to) {
    return Duration.between(from, to).toMillis();
  }

  private static String strategyName(DeliveryStrategy s) {
    return s instanceof DirectMethod ? "direct method" : "C2D";
  }

  private static void print(PrintStream out, List<Row> rows) {
    String format = "%-62s %-14s %-12s %-15s %7s  %s%n";
    out.printf(format, "case", "strategy", "device", "status", "took", "detail");
    out.println("-".repeat(150));
    for (Row r : rows) {
      CommandOutcome o = r.outcome();
      String detail = o.methodResponse().map(m -> "device replied " + m.status() + " " + m.payloadJson())
          .orElse(o.detail());
      out.printf(format, r.label(), r.strategy(), o.deviceId(), o.status() + (o.inferred() ? "*" : ""),
          r.millis() + " ms", detail);
    }
  }

  /**
   * One line of the demo's table.
   *
   * @param label the case
   * @param strategy how the command travelled
   * @param outcome its outcome
   * @param millis from send (for a sequence step: from the previous step's outcome) to outcome, in ms
   */
  public record Row(String label, String strategy, CommandOutcome outcome, long millis) {}

  private record Pending(String label, CommandHandle handle, Instant sentAt) {}
}
