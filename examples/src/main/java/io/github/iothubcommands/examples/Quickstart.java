package io.github.iothubcommands.examples;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandHandle;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.DirectMethod;
import io.github.iothubcommands.testkit.FakeHub;
import io.github.iothubcommands.testkit.MethodReply;
import java.time.Duration;
import java.util.Map;

/** The README's quickstart, kept compiling and running (QuickstartTest runs it). */
public final class Quickstart {
  private Quickstart() {}

  /**
   * Runs the quickstart.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    // README quickstart begins
    try (FakeHub hub = FakeHub.create()) {                       // in-memory hub on virtual time
      hub.device("thermostat-7")
          .onMethod("setTarget", MethodReply.respond(200, "{\"accepted\":true}"))
          .connectAfter(Duration.ofSeconds(20));                 // offline for 20 s

      try (CommandClient client = CommandClient.builder().transport(hub.transport()).build()) {
        Command setTarget = Command.named("setTarget").jsonPayload(Map.of("celsius", 21)).build();

        // A direct method that waits up to 30 s for the device to connect.
        CommandHandle handle = client.sendAsync("thermostat-7", setTarget,
            DirectMethod.custom().connectTimeout(Duration.ofSeconds(30)).build());
        hub.advance(Duration.ofSeconds(20));                     // the device connects and answers
        CommandOutcome outcome = handle.outcome().join();
        System.out.println(outcome.status() + " " + outcome.methodResponse().orElseThrow().payloadJson());

        // The same command as a queued cloud-to-device message, tracked through the hub's feedback.
        CommandHandle queued = client.sendAsync("thermostat-7", setTarget.toBuilder().id("setTarget-2").build(),
            DeliveryStrategy.cloudToDevice());
        hub.advance(Duration.ofSeconds(15));                     // the hub batches feedback every 15 s
        System.out.println(queued.outcome().join().status());
      }
    }
    // README quickstart ends
  }
}
