package io.github.iothubcommands.examples;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.azure.AzureHubTransport;
import io.github.iothubcommands.device.CommandDispatcher;
import io.github.iothubcommands.device.CommandDispatcherBuilder;
import io.github.iothubcommands.device.CommandReply;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * The demo's real path, shared by the emulator and a real hub: {@code CommandClient} over {@code
 * AzureHubTransport} on the service side; devices created for the run through the service SDK's {@code
 * RegistryClient}, each a real {@code DeviceClient} over AMQPS (so a device can reject a message) with a
 * {@code CommandDispatcher} scripted like the in-memory demo's devices; the devices deleted after the run.
 */
final class RealHubDemo {
  private static final SecureRandom RANDOM = new SecureRandom();

  private RealHubDemo() {}

  /**
   * One hub the real path runs on.
   *
   * @param description what the mode line says (no secret)
   * @param transport the service side's transport; the run's client owns and closes it
   * @param registry the hub's registry, to create and delete the run's devices
   * @param deviceHost the host name in device connection strings
   * @param deviceSslContext what devices trust, or null for the JVM's default trust
   * @param timing the waits of this hub
   */
  record Hub(String description, AzureHubTransport transport, RegistryClient registry, String deviceHost,
      @Nullable SSLContext deviceSslContext, DemoCases.Timing timing) {}

  /**
   * Creates the run's devices, starts their dispatchers, runs every case, prints the table, and deletes the
   * devices whatever happened.
   *
   * @param hub the hub
   * @param out where the mode line, the table and the device lines go
   * @return one row per case
   */
  static List<Demo.Row> run(Hub hub, PrintStream out) {
    String prefix = runPrefix();
    out.printf("Mode: %s%n", hub.description());
    List<String> created = new ArrayList<>();
    Map<String, CommandDispatcher> dispatchers = new LinkedHashMap<>();
    ThreadFactory defaults = Executors.defaultThreadFactory();
    ScheduledExecutorService devicePool = Executors.newScheduledThreadPool(DemoCases.DEVICES.size(), r -> {
      Thread t = defaults.newThread(r);
      t.setName("demo-device-start");
      t.setDaemon(true);
      return t;
    });
    try (CommandClient client = CommandClient.builder().transport(hub.transport())
        .feedbackWindow(hub.timing().feedbackWindow()).build()) {
      try {
        for (String name : DemoCases.DEVICES) {
          String id = prefix + name;
          Device device = create(hub.registry(), id);
          created.add(id);
          UnaryOperator<CommandDispatcherBuilder> script = script(name);
          if (script != null) {
            dispatchers.put(name, script.apply(CommandDispatcher.builder(deviceClient(hub, device))).build());
          }
        }
        out.printf("Created %d devices %s* through the hub's registry; %d connect over AMQPS now, %s after %d s, "
                + "sensor-4 never.%n", created.size(), prefix, dispatchers.size() - 1, DemoCases.LATE_DEVICE,
            hub.timing().connectDelay().toSeconds());
        startAll(dispatchers, devicePool);

        DemoCases.Result result = DemoCases.run(client, stage(prefix, dispatchers, devicePool), hub.timing());
        out.println();
        DemoCases.print(out, result);
        out.println();
        return result.rows();
      } finally {
        dispatchers.values().forEach(CommandDispatcher::close);
        devicePool.shutdownNow();
        delete(hub.registry(), created, prefix, out);
      }
    }
  }

  /** A new prefix for the ids of one run's devices, {@code demo-<6 hex digits>-}, so runs never share one. */
  static String runPrefix() {
    byte[] runId = new byte[3];
    RANDOM.nextBytes(runId);
    return "demo-" + HexFormat.of().formatHex(runId) + "-";
  }

  /** The device side of each demo device, as the in-memory demo scripts it; null for one that never connects. */
  private static @Nullable UnaryOperator<CommandDispatcherBuilder> script(String name) {
    return switch (name) {
      case "thermostat-1" -> b -> b.handle("setTarget",
          c -> CommandReply.ok(Map.of("target", c.payloadAsJson().path("celsius").asInt())));
      case "pump-2" -> b -> b.handle("start", c -> CommandReply.ok(Map.of("running", true)));
      case "lamp-3" -> b -> b.handle("dim", c -> CommandReply.ok()); // completes the message
      case "valve-5" -> b -> b.handle("open", c -> CommandReply.reject()); // AMQPS carries the rejection
      case "gateway-6" -> b -> b
          .handle("download", c -> CommandReply.ok())
          .handle("install", c -> {
            Thread.sleep(300);
            return CommandReply.ok(Map.of("version", "2.1"));
          })
          .handle("reboot", c -> CommandReply.of(202, Map.of()));
      default -> null; // sensor-4: registered, never connects
    };
  }

  /** Creates a device with generated symmetric keys and returns it as the hub answered, keys included. */
  private static Device create(RegistryClient registry, String id) {
    try {
      Device created = registry.addDevice(new Device(id));
      if (created.getPrimaryKey() == null) {
        created = registry.getDevice(id);
      }
      return created;
    } catch (IOException | IotHubException e) {
      throw new IllegalStateException("could not create device " + id + ": " + e.getClass().getSimpleName(), e);
    }
  }

  private static DeviceClient deviceClient(Hub hub, Device device) {
    // The device SDK URL-decodes DeviceId. The string holds the device's key: it is never printed.
    String connectionString = "HostName=" + hub.deviceHost()
        + ";DeviceId=" + URLEncoder.encode(device.getDeviceId(), StandardCharsets.UTF_8)
        + ";SharedAccessKey=" + device.getPrimaryKey();
    ClientOptions.ClientOptionsBuilder options = ClientOptions.builder();
    SSLContext ssl = hub.deviceSslContext();
    if (ssl != null) {
      options.sslContext(ssl);
    }
    return new DeviceClient(connectionString, IotHubClientProtocol.AMQPS, options.build());
  }

  /** Opens every device but the late one, in parallel. */
  private static void startAll(Map<String, CommandDispatcher> dispatchers, ScheduledExecutorService pool) {
    List<CompletableFuture<Void>> started = new ArrayList<>();
    dispatchers.forEach((name, d) -> {
      if (!name.equals(DemoCases.LATE_DEVICE)) {
        started.add(CompletableFuture.runAsync(d::start, pool));
      }
    });
    CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).join();
  }

  private static DemoCases.Stage stage(String prefix, Map<String, CommandDispatcher> dispatchers,
      ScheduledExecutorService pool) {
    return new DemoCases.Stage() {
      @Override
      public String deviceId(String name) {
        return prefix + name;
      }

      @Override
      public Instant now() {
        return Instant.now();
      }

      @Override
      public void connectAfter(String name, Duration delay) {
        CommandDispatcher d = dispatchers.get(name);
        if (d == null) {
          throw new IllegalArgumentException("no device side for " + name);
        }
        pool.schedule(() -> {
          try {
            d.start();
          } catch (RuntimeException e) {
            System.err.println("demo: " + name + " could not connect: " + e.getMessage());
          }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
      }
    };
  }

  private static void delete(RegistryClient registry, List<String> ids, String prefix, PrintStream out) {
    int deleted = 0;
    for (String id : ids) {
      try {
        registry.removeDevice(id);
        deleted++;
      } catch (IOException | IotHubException | RuntimeException e) {
        out.printf("Could not delete device %s (%s): delete it by hand.%n", id, e.getClass().getSimpleName());
      }
    }
    out.printf("Deleted %d of %d devices %s* from the hub's registry.%n", deleted, ids.size(), prefix);
  }
}
