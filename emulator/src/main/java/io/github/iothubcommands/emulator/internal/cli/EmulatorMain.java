package io.github.iothubcommands.emulator.internal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.iothubcommands.emulator.IotHubEmulator;
import io.github.iothubcommands.emulator.internal.LoopbackAddresses;
import io.github.iothubcommands.emulator.internal.config.ConfigFile;
import io.github.iothubcommands.engine.DeviceInfo;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/**
 * The command line: {@code java -jar iothub-commands-emulator-VERSION-all.jar [--config FILE] [--devices d1,d2]
 * [--https-port N] [--hub-name NAME] [--info-file PATH] [--bind ADDRESS|auto] [--allow-non-loopback]
 * [--virtual-time] [--log-level LEVEL]}. Flags win over the configuration file's values; {@code --devices} adds
 * to its devices, and {@code --allow-non-loopback} or the file's {@code allowNonLoopbackBindAddress: true} each
 * allow a non-loopback address. Starts the emulator, writes the info file, serves until the process is stopped;
 * SIGTERM (or Ctrl-C) closes it through a shutdown hook. With {@code --health [--config FILE] [--bind ADDRESS]
 * [--https-port N]} it instead checks a running emulator's health endpoint (at the flags' address and port, else
 * the file's, else the defaults) and exits 0 or 1.
 */
public final class EmulatorMain {
  static final String USAGE = String.join(System.lineSeparator(),
      "usage: java -jar iothub-commands-emulator-all.jar [options]",
      "  --config FILE         read settings from a JSON (.json) or YAML (.yaml, .yml) file; the options",
      "                        below win over its values, and --devices adds to its devices",
      "  --devices ID,ID,...   devices to register at start, with generated keys",
      "  --https-port N        HTTPS port for service clients (default 8443; 0 = any free port)",
      "  --hub-name NAME       the hub's name (default iothub-emulator)",
      "  --info-file PATH      write connection details as JSON to PATH once serving",
      "  --bind ADDRESS        listen on this IPv4 loopback address, e.g. 127.0.0.2 (default 127.0.0.1), or",
      "                        'auto' for a free one from 127.0.0.2-254 (read it from the info file)",
      "  --allow-non-loopback  let --bind name a non-loopback address (exposes the hub to the network)",
      "  --virtual-time        run the hub's clock virtually: it moves only by POST /admin/clock/advance",
      "  --log-level LEVEL     root log level: ERROR, WARN, INFO (default), DEBUG or TRACE",
      "  --health              check a running emulator (at --bind and --https-port, else --config's",
      "                        bindAddress and httpsPort): exit 0 if every front door serves, 1 if not",
      "                        within --health-timeout",
      "  --health-timeout S    seconds --health keeps asking (default 10; 0 asks once)",
      "  --help                print this text",
      "MQTT listens on ADDRESS:8883 and AMQPS on ADDRESS:5671 (the SDKs always dial these ports).",
      "Stop with SIGTERM or Ctrl-C.");

  /** Parsed command line. */
  record Options(List<String> devices, int httpsPort, boolean httpsPortGiven, @Nullable String hubName,
      @Nullable Path infoFile, boolean help, Bind bind, boolean health, Duration healthTimeout,
      @Nullable ConfigFile config, @Nullable String logLevel, boolean virtualTime, String healthHost,
      int healthPort) {
    /** The root log level to set: {@code --log-level}, else the file's, else none (the jar's INFO). */
    Optional<String> effectiveLogLevel() {
      return logLevel != null ? Optional.of(logLevel) : config == null ? Optional.empty() : config.logLevel();
    }
  }

  /**
   * Where to listen: an address ({@code null}: the default), or any free loopback address.
   *
   * @param address the address, or {@code null}
   * @param auto whether to pick a free loopback address
   * @param allowNonLoopback whether a non-loopback address is allowed
   */
  record Bind(@Nullable InetAddress address, boolean auto, boolean allowNonLoopback) {
    boolean given() {
      return address != null || auto;
    }

    String host() {
      return address == null ? "127.0.0.1" : address.getHostAddress();
    }

    void applyTo(IotHubEmulator.Builder builder) {
      if (auto) {
        builder.bindAnyFreeLoopbackAddress();
      } else if (address != null) {
        builder.bindAddress(address);
      }
      if (allowNonLoopback) {
        builder.allowNonLoopbackBindAddress();
      }
    }
  }

  /** The default of {@code --health-timeout}. */
  static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(10);

  private EmulatorMain() {}

  /**
   * Runs the emulator until the JVM is stopped.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("iothub-emulator: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.println(USAGE);
      return;
    }
    if (options.health()) {
      System.exit(HealthCheck.run(options.healthHost(), options.healthPort(), options.healthTimeout(), System.out));
      return;
    }
    IotHubEmulator emulator;
    try {
      applyLogLevel(options, System.err);
      emulator = start(options, System.out);
    } catch (RuntimeException e) {
      System.err.println("iothub-emulator: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      emulator.close();
      System.out.println("iothub-emulator: stopped");
      stopped.countDown();
    }, "iothub-emulator-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts the emulator and writes the info file; the caller owns the result. */
  static IotHubEmulator start(Options options, PrintStream out) {
    IotHubEmulator.Builder builder = IotHubEmulator.builder();
    if (options.config() != null) {
      options.config().applyTo(builder, options.bind().given() ? Set.of("bindAddress") : Set.of());
    }
    builder.devices(options.devices());
    if (options.httpsPortGiven()) {
      builder.httpsPort(options.httpsPort());
    }
    options.bind().applyTo(builder);
    if (options.hubName() != null) {
      builder.hubName(options.hubName());
    }
    if (options.virtualTime()) {
      builder.virtualTime();
    }
    IotHubEmulator emulator = builder.start();
    try {
      if (options.infoFile() != null) {
        writeInfo(emulator, options.infoFile());
      }
    } catch (IOException | RuntimeException e) {
      emulator.close();
      throw new IllegalStateException("cannot write the info file " + options.infoFile() + ": " + e, e);
    }
    out.println("iothub-emulator: serving " + emulator + " with devices "
        + emulator.engine().devices().stream().map(DeviceInfo::deviceId).toList()
        + (options.infoFile() == null ? "" : "; connection details in " + options.infoFile()));
    return emulator;
  }

  /** Sets the root log level the options ask for, if any; says so on {@code err} if it cannot. */
  static void applyLogLevel(Options options, PrintStream err) {
    options.effectiveLogLevel().ifPresent(level -> {
      if (!LogLevels.setRoot(level)) {
        err.println("iothub-emulator: log level " + level + " not set: SLF4J is not bound to logback (the -all jar"
            + " is); configure your binding instead");
      }
    });
  }

  static Options parse(String[] args) {
    List<String> devices = new ArrayList<>();
    int httpsPort = IotHubEmulator.DEFAULT_HTTPS_PORT;
    boolean httpsPortGiven = false;
    ConfigFile config = null;
    String logLevel = null;
    String hubName = null;
    Path infoFile = null;
    boolean help = false;
    String bind = null;
    boolean allowNonLoopback = false;
    boolean health = false;
    boolean virtualTime = false;
    Duration healthTimeout = DEFAULT_HEALTH_TIMEOUT;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--help", "-h" -> help = true;
        case "--devices" -> {
          String v = value(args, ++i, arg);
          Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(devices::add);
        }
        case "--config" -> config = ConfigFile.read(Path.of(value(args, ++i, arg)));
        case "--log-level" -> logLevel = ConfigFile.checkLogLevel(arg, value(args, ++i, arg));
        case "--https-port" -> {
          httpsPortGiven = true;
          String v = value(args, ++i, arg);
          try {
            httpsPort = Integer.parseInt(v);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--https-port must be a number between 0 and 65535, but was '"
                + v + "'", e);
          }
          if (httpsPort < 0 || httpsPort > 65535) {
            throw new IllegalArgumentException("--https-port must be between 0 and 65535, but was " + httpsPort);
          }
        }
        case "--hub-name" -> hubName = value(args, ++i, arg);
        case "--info-file" -> infoFile = Path.of(value(args, ++i, arg));
        case "--bind" -> bind = value(args, ++i, arg);
        case "--allow-non-loopback" -> allowNonLoopback = true;
        case "--virtual-time" -> virtualTime = true;
        case "--health" -> health = true;
        case "--health-timeout" -> healthTimeout = seconds(arg, value(args, ++i, arg));
        default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
      }
    }
    IotHubEmulator.Builder check = IotHubEmulator.builder(); // validate ids and name before binding anything
    check.devices(devices);
    if (hubName != null) {
      check.hubName(hubName);
    }
    ConfigFile.Where file = config == null ? new ConfigFile.Where(null, null, false) : config.where();
    // the file's allowNonLoopbackBindAddress counts as the flag does: either allows, neither refuses
    Bind where = bind(bind, allowNonLoopback || file.allowNonLoopback(), health);
    // --health checks where the emulator listens: the flags, else the file, else the defaults
    String healthHost = where.host();
    if (health && bind == null && file.bindAddress() != null) {
      if (file.bindAddress().equals("auto")) {
        throw new IllegalArgumentException("--health needs the emulator's address, but the configuration file's"
            + " bindAddress is auto (a new one at each start); give the address it picked with --bind (in its"
            + " info file)");
      }
      healthHost = file.bindAddress();
    }
    int healthPort = httpsPortGiven || file.httpsPort() == null ? httpsPort : file.httpsPort();
    if (health && healthPort == 0) {
      throw new IllegalArgumentException("--health needs the emulator's HTTPS port, but "
          + (httpsPortGiven ? "--https-port" : "the configuration file's httpsPort") + " was 0 (any);"
          + " give the port it bound with --https-port (in its info file, httpsHost)");
    }
    return new Options(List.copyOf(devices), httpsPort, httpsPortGiven, hubName, infoFile, help, where, health,
        healthTimeout, config, logLevel, virtualTime, healthHost, healthPort);
  }

  private static Bind bind(@Nullable String value, boolean allowNonLoopback, boolean health) {
    if (value == null) {
      return new Bind(null, false, allowNonLoopback);
    }
    if (value.equals("auto")) {
      if (health) {
        throw new IllegalArgumentException("--health needs the emulator's address: --bind auto picks a new one; give"
            + " the address it picked (in its info file)");
      }
      return new Bind(null, true, allowNonLoopback);
    }
    InetAddress address;
    try {
      address = LoopbackAddresses.parseIpv4("--bind", value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--bind must be an IPv4 literal such as 127.0.0.2, or auto, but was '"
          + value + "'", e);
    }
    if (!address.isLoopbackAddress() && !allowNonLoopback && !health) {
      throw new IllegalArgumentException("--bind " + value + " is not a loopback address: it would expose the hub"
          + " to the network; add --allow-non-loopback to allow it");
    }
    return new Bind(address, false, allowNonLoopback);
  }

  private static Duration seconds(String option, String value) {
    try {
      long s = Long.parseLong(value);
      if (s >= 0 && s <= 3600) {
        return Duration.ofSeconds(s);
      }
    } catch (NumberFormatException e) {
      // the message below
    }
    throw new IllegalArgumentException(option + " must be a number of seconds from 0 to 3600, but was '" + value + "'");
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  /** Writes the JSON atomically (temporary file, then move) so a reader never sees half of it. */
  static void writeInfo(IotHubEmulator emulator, Path file) throws IOException {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode o = json.createObjectNode()
        .put("serviceConnectionString", emulator.serviceConnectionString())
        .put("httpsHost", emulator.httpsHost())
        .put("serviceSasToken", emulator.serviceSasToken())
        .put("bindAddress", emulator.bindAddress().getHostAddress())
        .put("healthUrl", emulator.healthUrl())
        .put("virtualTime", emulator.admin().isClockVirtual());
    ObjectNode devices = o.putObject("devices");
    for (Map.Entry<String, String> e : emulator.deviceConnectionStrings().entrySet()) {
      devices.put(e.getKey(), e.getValue());
    }
    o.put("trustStore", emulator.trustStorePath().toAbsolutePath().toString())
        .put("trustStorePassword", emulator.trustStorePassword())
        .put("trustStoreType", emulator.trustStoreType());
    Path abs = file.toAbsolutePath();
    Path parent = abs.getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Path tmp = Files.createTempFile(parent, ".iothub-emulator", ".json");
    Files.write(tmp, json.writeValueAsBytes(o));
    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
