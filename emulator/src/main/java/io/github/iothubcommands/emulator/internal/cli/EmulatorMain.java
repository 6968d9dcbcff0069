package io.github.iothubcommands.emulator.internal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.iothubcommands.emulator.IotHubEmulator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/**
 * The command line: {@code java -jar iothub-commands-emulator-VERSION-all.jar [--devices d1,d2]
 * [--https-port N] [--hub-name NAME] [--info-file PATH]}. Starts the emulator, writes the info file, serves
 * until the process is stopped; SIGTERM (or Ctrl-C) closes it through a shutdown hook.
 */
public final class EmulatorMain {
  static final String USAGE = String.join(System.lineSeparator(),
      "usage: java -jar iothub-commands-emulator-all.jar [options]",
      "  --devices ID,ID,...   devices to register at start, with generated keys",
      "  --https-port N        HTTPS port for service clients (default 8443; 0 = any free port)",
      "  --hub-name NAME       the hub's name (default iothub-emulator)",
      "  --info-file PATH      write connection details as JSON to PATH once serving",
      "  --help                print this text",
      "MQTT listens on 127.0.0.1:8883 and AMQPS on 127.0.0.1:5671 (the SDKs always dial these ports).",
      "Stop with SIGTERM or Ctrl-C.");

  /** Parsed command line. */
  record Options(List<String> devices, int httpsPort, @Nullable String hubName, @Nullable Path infoFile,
      boolean help) {}

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
    IotHubEmulator emulator;
    try {
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
    IotHubEmulator.Builder builder = IotHubEmulator.builder().devices(options.devices())
        .httpsPort(options.httpsPort());
    if (options.hubName() != null) {
      builder.hubName(options.hubName());
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
    out.println("iothub-emulator: serving " + emulator + " with devices " + options.devices()
        + (options.infoFile() == null ? "" : "; connection details in " + options.infoFile()));
    return emulator;
  }

  static Options parse(String[] args) {
    List<String> devices = new ArrayList<>();
    int httpsPort = IotHubEmulator.DEFAULT_HTTPS_PORT;
    String hubName = null;
    Path infoFile = null;
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--help", "-h" -> help = true;
        case "--devices" -> {
          String v = value(args, ++i, arg);
          Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(devices::add);
        }
        case "--https-port" -> {
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
        default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
      }
    }
    IotHubEmulator.Builder check = IotHubEmulator.builder(); // validate ids and name before binding anything
    check.devices(devices);
    if (hubName != null) {
      check.hubName(hubName);
    }
    return new Options(List.copyOf(devices), httpsPort, hubName, infoFile, help);
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
        .put("serviceSasToken", emulator.serviceSasToken());
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
