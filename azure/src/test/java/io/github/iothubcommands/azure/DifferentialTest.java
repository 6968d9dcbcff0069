package io.github.iothubcommands.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.AzureSasCredential;
import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.CloudToDevice;
import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandHandle;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.DirectMethod;
import io.github.iothubcommands.emulator.IotHubEmulator;
import io.github.iothubcommands.engine.DeliveredMessage;
import io.github.iothubcommands.engine.DeviceEndpoint;
import io.github.iothubcommands.engine.DeviceSession;
import io.github.iothubcommands.engine.HubEngine;
import io.github.iothubcommands.engine.HubLimits;
import io.github.iothubcommands.engine.MethodRequest;
import io.github.iothubcommands.testkit.FakeHub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.HttpsURLConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The same generated scenarios through the in-memory transport (the fake hub, virtual time) and through the
 * Azure transport (the real service SDK over AMQPS and HTTPS) to the emulator give the same outcome for
 * every command: status, hub error, and the device's reply. The devices are the same scripted code on
 * both sides, attached to each hub's engine, so any difference lies in the transports and the emulator's
 * protocol front doors.
 *
 * <p>The build runs {@code differential.scenarios} scenarios (60); the full count is
 * {@code mvn -B verify -pl azure -am -Dtest=DifferentialTest -Ddifferential.scenarios=200
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DifferentialTest {
  /** Small limits, so that queue-full and dead-lettering happen within a few commands. */
  static final HubLimits LIMITS = HubLimits.custom().queueDepth(3).maxDeliveryCount(2)
      .feedbackBatchInterval(Duration.ofMillis(100)).build();
  static IotHubEmulator emulator;
  static CommandClient azureClient;

  @BeforeAll
  static void start() {
    emulator = IotHubEmulator.builder().hubName("differential").limits(LIMITS).start();
    HttpsURLConnection.setDefaultSSLSocketFactory(emulator.sslContext().getSocketFactory());
    azureClient = CommandClient.builder().transport(AzureHubTransport.builder()
        .credential(emulator.httpsHost(), new AzureSasCredential(emulator.serviceSasToken()))
        .sslContext(emulator.sslContext()).build()).build();
  }

  @AfterAll
  static void stop() {
    if (azureClient != null) {
      azureClient.close();
    }
    if (emulator != null) {
      emulator.close();
    }
  }

  @Test
  void everyCommandHasTheSameOutcomeInMemoryAndThroughTheAzureTransportAndTheEmulator() throws Exception {
    int count = Integer.getInteger("differential.scenarios", 60);
    List<String> differences = new ArrayList<>();
    java.util.Map<String, Integer> kinds = new java.util.TreeMap<>();
    int commands = 0;
    for (int n = 0; n < count; n++) {
      Scenario s = Scenario.random(n);
      List<String> inMemory = runInMemory(s);
      List<String> azure = runOnEmulator(s);
      commands += s.commands.size();
      for (String o : inMemory) {
        kinds.merge(o.substring(0, o.indexOf(' ', o.indexOf(' ') + 1)), 1, Integer::sum);
      }
      for (int i = 0; i < s.commands.size(); i++) {
        if (!inMemory.get(i).equals(azure.get(i))) {
          differences.add("seed " + n + " command " + i + " " + s.commands.get(i) + ": in memory " + inMemory.get(i)
              + ", Azure transport + emulator " + azure.get(i));
        }
      }
    }
    System.out.println("DifferentialTest: " + count + " scenarios, " + commands + " commands, outcomes " + kinds);
    assertThat(differences).as("%d scenarios, %d commands", count, commands).isEmpty();
    // The generator must reach every kind of outcome it is meant to compare, or the test proves little.
    assertThat(kinds.keySet()).contains("SUCCEEDED -", "FAILED -", "DEVICE_OFFLINE DEVICE_NOT_ONLINE",
        "FAILED DEVICE_NOT_FOUND", "ACCEPTED -", "DELIVERED -", "REJECTED -", "DELIVERY_COUNT_EXCEEDED -",
        "FAILED QUEUE_DEPTH_EXCEEDED");
  }

  private static List<String> runInMemory(Scenario s) {
    try (FakeHub hub = FakeHub.create(LIMITS);
        CommandClient client = CommandClient.builder().transport(hub.transport()).build()) {
      List<CommandHandle> handles = run(s, "", hub.engine(), client);
      for (int i = 0; i < 40 && handles.stream().anyMatch(h -> !h.outcome().isDone()); i++) {
        hub.advance(Duration.ofMillis(250));
      }
      return describe(handles);
    }
  }

  private static List<String> runOnEmulator(Scenario s) throws Exception {
    String prefix = "s" + s.seed + "-";
    List<CommandHandle> handles = run(s, prefix, emulator.engine(), azureClient);
    List<String> outcomes = new ArrayList<>();
    for (CommandHandle h : handles) {
      h.outcome().get(60, TimeUnit.SECONDS);
    }
    outcomes.addAll(describe(handles));
    for (int d = 0; d < Scenario.DEVICES; d++) {
      emulator.engine().removeDevice(prefix + "d" + d);
    }
    return outcomes;
  }

  /** Registers and connects the devices, then sends the commands in order, each after the previous outcome. */
  private static List<CommandHandle> run(Scenario s, String prefix, HubEngine engine, CommandClient client) {
    for (int d = 0; d < Scenario.DEVICES; d++) {
      String id = prefix + "d" + d;
      engine.registerDevice(id, null, null);
      Behaviour b = s.behaviours.get(d);
      if (b != Behaviour.OFFLINE) {
        ScriptedDevice.connect(engine, id, b, s.methodStatus.get(d));
      }
    }
    List<CommandHandle> handles = new ArrayList<>();
    for (Scenario.Send send : s.commands) {
      String device = send.device < 0 ? prefix + "ghost" : prefix + "d" + send.device;
      CommandHandle h = client.sendAsync(device, Command.named("cmd").jsonPayload(Map.of("n", send.n)).build(),
          send.strategy);
      handles.add(h);
    }
    return handles;
  }

  private static List<String> describe(List<CommandHandle> handles) {
    List<String> out = new ArrayList<>();
    for (CommandHandle h : handles) {
      CommandOutcome o = h.outcome().getNow(null);
      out.add(o == null ? "no outcome" : o.status() + " " + o.hubError().map(Enum::name).orElse("-") + " "
          + o.methodResponse().map(r -> r.status() + " " + r.payloadJson()).orElse("-"));
    }
    return out;
  }

  enum Behaviour { OFFLINE, COMPLETE, REJECT, ABANDON }

  /** A device attached to an engine: settles every message its way and answers every method with one status. */
  private static final class ScriptedDevice implements DeviceEndpoint {
    private final Behaviour behaviour;
    private final int methodStatus;
    private final AtomicReference<DeviceSession> session = new AtomicReference<>();

    private ScriptedDevice(Behaviour behaviour, int methodStatus) {
      this.behaviour = behaviour;
      this.methodStatus = methodStatus;
    }

    static void connect(HubEngine engine, String id, Behaviour behaviour, int methodStatus) {
      ScriptedDevice d = new ScriptedDevice(behaviour, methodStatus);
      DeviceSession s = engine.connect(id, d);
      d.session.set(s);
      s.subscribeMethods();
      s.subscribeMessages();
    }

    @Override
    public void deliverMessage(DeliveredMessage message) {
      DeviceSession s = session.get();
      switch (behaviour) {
        case COMPLETE -> s.complete(message.lockToken());
        case REJECT -> s.reject(message.lockToken());
        default -> s.abandon(message.lockToken());
      }
    }

    @Override
    public void invokeMethod(MethodRequest request) {
      // echo what the caller sent, as a device with the dispatcher sees it: without the (random) command id
      session.get().respond(request.requestId(), methodStatus,
          "{\"echo\":" + DirectMethod.withoutCommandId(request.payloadJson()) + "}");
    }
  }

  /** Devices with behaviours, and commands chosen so that every outcome arrives within a second or so. */
  private static final class Scenario {
    static final int DEVICES = 4;
    final long seed;
    final List<Behaviour> behaviours = new ArrayList<>();
    final List<Integer> methodStatus = new ArrayList<>();
    final List<Send> commands = new ArrayList<>();

    record Send(int device, int n, DeliveryStrategy strategy) {
      @Override
      public String toString() {
        return "to " + (device < 0 ? "ghost" : "d" + device) + " by " + strategy;
      }
    }

    private Scenario(long seed) {
      this.seed = seed;
    }

    static Scenario random(long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      Scenario s = new Scenario(seed);
      int[] statuses = {200, 201, 202, 400, 404, 500};
      for (int d = 0; d < DEVICES; d++) {
        // d0 is offline half the time and gets many of the commands: its queue (depth 3) fills up
        s.behaviours.add(d == 0 && r.nextBoolean() ? Behaviour.OFFLINE
            : Behaviour.values()[r.nextInt(Behaviour.values().length)]);
        s.methodStatus.add(statuses[r.nextInt(statuses.length)]);
      }
      int commands = 4 + r.nextInt(8);
      for (int i = 0; i < commands; i++) {
        int roll = r.nextInt(10);
        int device = roll == 0 ? -1 : roll < 5 ? 0 : r.nextInt(DEVICES);
        Behaviour b = device < 0 ? Behaviour.OFFLINE : s.behaviours.get(device);
        boolean method = b == Behaviour.OFFLINE && device == 0 ? r.nextInt(5) == 0 : r.nextBoolean();
        s.commands.add(new Send(device, i, method ? DeliveryStrategy.directMethod()
            : CloudToDevice.custom().acknowledgement(quickAck(b, r)).timeToLive(Duration.ofMinutes(10)).build()));
      }
      return s;
    }

    /**
     * An acknowledgement whose outcome the hub reports at once for this behaviour (an inferred one would
     * wait for the time-to-live): anything goes to an offline device with none; positive needs a
     * completing device, negative a rejecting or abandoning one.
     */
    private static Acknowledgement quickAck(Behaviour b, SplittableRandom r) {
      return switch (b) {
        case OFFLINE -> Acknowledgement.NONE;
        case COMPLETE -> r.nextBoolean() ? Acknowledgement.FULL : r.nextBoolean() ? Acknowledgement.POSITIVE
            : Acknowledgement.NONE;
        case REJECT, ABANDON -> r.nextBoolean() ? Acknowledgement.FULL : r.nextBoolean() ? Acknowledgement.NEGATIVE
            : Acknowledgement.NONE;
      };
    }
  }
}
