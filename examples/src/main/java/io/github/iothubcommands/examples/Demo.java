package io.github.iothubcommands.examples;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.service.auth.IotHubConnectionStringBuilder;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.azure.AzureHubTransport;
import io.github.iothubcommands.emulator.IotHubEmulator;
import io.github.iothubcommands.engine.HubLimits;
import io.github.iothubcommands.testkit.FakeHub;
import io.github.iothubcommands.testkit.MessageReply;
import io.github.iothubcommands.testkit.MethodReply;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * The README's demo: one command per case the library distinguishes, printed as a table, on one of three
 * hubs ({@link Mode}):
 *
 * <ul>
 *   <li>the in-memory fake hub in real time with simulated devices (the default; about eight seconds). Its
 *       feedback batch interval is cut from 15 s to 1 s and the client's feedback window to 2 s so the demo
 *       is brisk; everything else is IoT Hub's behaviour. After the table, a fan-out of one direct method to
 *       1,000 simulated devices within an S1 × 10 quota, with a live progress line ({@link DemoFanOut});
 *   <li>{@code --emulator}: an {@link IotHubEmulator} started in this JVM, with the real Azure IoT SDKs on
 *       both sides (about ten seconds; feedback batched every second);
 *   <li>a real IoT hub when {@value #CONNECTION_STRING_VARIABLE} is set (under a minute or two: the hub
 *       batches feedback).
 * </ul>
 *
 * <p>On the emulator and a real hub the demo creates its devices through the hub's registry, named {@code
 * demo-<random>-…}, and deletes them when it ends. It never prints a key, a token or a connection string.
 */
public final class Demo {
  /** The environment variable holding the service connection string of a real hub. */
  public static final String CONNECTION_STRING_VARIABLE = "IOTHUB_CONNECTION_STRING";
  /** The argument that selects the emulator. */
  public static final String EMULATOR_ARGUMENT = "--emulator";

  static final DemoCases.Timing IN_MEMORY = new DemoCases.Timing(Duration.ofSeconds(2), Duration.ofSeconds(2),
      Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(30));
  /** The emulator batches feedback every second ({@link #startEmulator()}). */
  static final DemoCases.Timing EMULATOR = new DemoCases.Timing(Duration.ofSeconds(5), Duration.ofSeconds(2),
      Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(40));
  /**
   * A real hub batches feedback for up to about 15 s, and a device's AMQPS connection takes a second or two
   * to open and subscribe: a longer feedback window and connect timeout, and a 100 s bound on the whole run.
   */
  static final DemoCases.Timing REAL_HUB = new DemoCases.Timing(Duration.ofSeconds(60), Duration.ofSeconds(2),
      Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(100));

  private Demo() {}

  /** Which hub the demo runs on. */
  public enum Mode {
    /** The in-memory fake hub with simulated devices. */
    IN_MEMORY,
    /** An emulator started in this JVM, with the real SDKs. */
    EMULATOR,
    /** The real hub of {@value Demo#CONNECTION_STRING_VARIABLE}, with the real SDKs. */
    REAL_HUB;

    /**
     * Chooses the mode: {@value Demo#EMULATOR_ARGUMENT} first, then a connection string, else in memory.
     *
     * @param args the program's arguments
     * @param connectionString the value of {@value Demo#CONNECTION_STRING_VARIABLE}, or null if unset
     * @return the mode
     * @throws IllegalArgumentException on an argument other than {@value Demo#EMULATOR_ARGUMENT}
     */
    public static Mode select(List<String> args, @Nullable String connectionString) {
      for (String a : args) {
        if (!a.equals(EMULATOR_ARGUMENT)) {
          throw new IllegalArgumentException("the demo takes " + EMULATOR_ARGUMENT + " or no argument, but was '"
              + a + "'");
        }
      }
      if (!args.isEmpty()) {
        return EMULATOR;
      }
      return connectionString == null || connectionString.isBlank() ? IN_MEMORY : REAL_HUB;
    }
  }

  /**
   * Runs the demo on the hub {@link Mode#select} chooses.
   *
   * @param args {@value #EMULATOR_ARGUMENT}, or nothing
   */
  public static void main(String[] args) {
    String connectionString = System.getenv(CONNECTION_STRING_VARIABLE);
    switch (Mode.select(List.of(args), connectionString)) {
      case EMULATOR -> runOnEmulator(System.out);
      case REAL_HUB -> runOnHub(connectionString == null ? "" : connectionString, System.out);
      case IN_MEMORY -> {
        System.out.println("Mode: in-memory fake hub with simulated devices (" + EMULATOR_ARGUMENT + " or "
            + CONNECTION_STRING_VARIABLE + " for the real SDKs)");
        System.out.println();
        run(System.out);
        System.out.println();
        DemoFanOut.run(System.out);
      }
    }
  }

  /**
   * Runs the demo on the in-memory fake hub, printing the table to {@code out}.
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
   * Starts an emulator as the demo wants it: feedback batched every second instead of 15 s, on a free
   * loopback address (127.0.0.2 and up), so another emulator on 127.0.0.1 — the SDKs always dial AMQPS on 5671
   * and MQTT on 8883 — does not get in the way.
   *
   * @return the running emulator; the caller closes it
   * @throws IllegalStateException if no loopback address has its ports free
   */
  public static IotHubEmulator startEmulator() {
    return IotHubEmulator.builder().hubName("iothub-commands-demo").bindAnyFreeLoopbackAddress()
        .limits(HubLimits.custom().feedbackBatchInterval(Duration.ofSeconds(1)).build())
        .start();
  }

  /**
   * Runs the demo on an emulator started for it ({@link #startEmulator()}) and closed after it.
   *
   * @param out where the mode line, the table and the device lines go
   * @return one row per case
   */
  public static List<Row> runOnEmulator(PrintStream out) {
    try (IotHubEmulator hub = startEmulator()) {
      return runOnEmulator(hub, out);
    }
  }

  /**
   * Runs the demo on a running emulator, with the real SDKs: devices created and deleted through its
   * registry over HTTPS, commands over the Azure transport, devices over AMQPS. While it runs, the JVM's
   * default SSL socket factory trusts the emulator (the service SDK's HTTPS has no other option); the
   * previous one is put back afterwards.
   *
   * @param hub the emulator, ideally from {@link #startEmulator()} (feedback batched every second)
   * @param out where the mode line, the table and the device lines go
   * @return one row per case
   */
  public static List<Row> runOnEmulator(IotHubEmulator hub, PrintStream out) {
    SSLSocketFactory previous = HttpsURLConnection.getDefaultSSLSocketFactory();
    HttpsURLConnection.setDefaultSSLSocketFactory(hub.sslContext().getSocketFactory());
    try {
      AzureSasCredential sas = new AzureSasCredential(hub.serviceSasToken());
      return RealHubDemo.run(new RealHubDemo.Hub(
          "emulator: IotHubEmulator on loopback (" + hub.httpsHost() + "), the real Azure IoT service and device SDKs",
          AzureHubTransport.builder().credential(hub.httpsHost(), sas).sslContext(hub.sslContext()).build(),
          new RegistryClient(hub.httpsHost(), sas),
          hub.deviceHost(), // an IP literal: the device SDK refuses "localhost" (no dot); the certificate names it
          hub.sslContext(), EMULATOR), out);
    } finally {
      HttpsURLConnection.setDefaultSSLSocketFactory(previous);
    }
  }

  /**
   * Runs the demo on a real IoT hub, with the real SDKs. It creates six devices {@code demo-<random>-…}
   * through the registry, sends them commands and deletes them, so the policy needs <em>registry write</em>
   * and <em>service connect</em> ({@code iothubowner} has both).
   *
   * @param connectionString the hub's service connection string; never printed
   * @param out where the mode line, the table and the device lines go
   * @return one row per case
   * @throws IllegalArgumentException naming the part of the connection string that is wrong (never the key)
   */
  public static List<Row> runOnHub(String connectionString, PrintStream out) {
    // The transport checks the string first and never echoes it; only then does the SDK parse it.
    AzureHubTransport transport = AzureHubTransport.fromConnectionString(connectionString);
    String host = IotHubConnectionStringBuilder.createIotHubConnectionString(connectionString).getHostName();
    return RealHubDemo.run(new RealHubDemo.Hub(
        "real hub " + host + " (" + CONNECTION_STRING_VARIABLE + "), the real Azure IoT service and device SDKs",
        transport, new RegistryClient(connectionString), host, null, REAL_HUB), out);
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
