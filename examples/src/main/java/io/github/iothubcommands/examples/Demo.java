package io.github.iothubcommands.examples;

import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.engine.HubLimits;
import io.github.iothubcommands.testkit.FakeHub;
import io.github.iothubcommands.testkit.MessageReply;
import io.github.iothubcommands.testkit.MethodReply;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The README's demo: a fake hub in real time with a few simulated devices, and one command per case the
 * library distinguishes, printed as a table. Runs in about five seconds.
 *
 * <p>The hub's feedback batch interval is cut from 15 s to 1 s and the client's feedback window to 2 s so
 * the demo is brisk; everything else is IoT Hub's behaviour.
 */
public final class Demo {
  static final DemoCases.Timing IN_MEMORY = new DemoCases.Timing(Duration.ofSeconds(2), Duration.ofSeconds(2),
      Duration.ofSeconds(5), Duration.ofSeconds(2));

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
            .feedbackWindow(IN_MEMORY.feedbackWindow()).build()) {
      hub.device("thermostat-1").onMethod("setTarget", MethodReply.respond(200, "{\"target\":21}")).connect();
      hub.device("pump-2").onMethod("start", MethodReply.respond(200, "{\"running\":true}"));
      hub.device("lamp-3").connect(); // completes every message
      hub.device("sensor-4"); // never connects
      hub.device("valve-5").onMessage(m -> MessageReply.reject()).connect();
      hub.device("gateway-6")
          .onMethod("install", MethodReply.respond(200, "{\"version\":\"2.1\"}").after(Duration.ofMillis(300)))
          .onMethod("reboot", MethodReply.respond(202, "{}"))
          .connect();

      DemoCases.Result result = DemoCases.run(client, new DemoCases.Stage() {
        @Override
        public String deviceId(String name) {
          return name;
        }

        @Override
        public Instant now() {
          return hub.now();
        }

        @Override
        public void connectAfter(String name, Duration delay) {
          hub.device(name).connectAfter(delay);
        }
      }, IN_MEMORY);
      DemoCases.print(out, result);
      return result.rows();
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
}
