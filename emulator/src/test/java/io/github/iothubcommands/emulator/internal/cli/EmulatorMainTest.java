package io.github.iothubcommands.emulator.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AzureSasCredential;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import io.github.iothubcommands.emulator.IotHubEmulator;
import io.github.iothubcommands.emulator.internal.tls.TlsMaterial;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmulatorMainTest {

  @Test
  void parsesEveryOption() {
    EmulatorMain.Options o = EmulatorMain.parse(new String[] {
        "--devices", "d1, d2,,d3", "--https-port", "443", "--hub-name", "myhub", "--info-file", "x/info.json"});
    assertThat(o.devices()).containsExactly("d1", "d2", "d3");
    assertThat(o.httpsPort()).isEqualTo(443);
    assertThat(o.hubName()).isEqualTo("myhub");
    assertThat(o.infoFile()).isEqualTo(Path.of("x/info.json"));
    assertThat(EmulatorMain.parse(new String[0]).httpsPort()).isEqualTo(8443);
    assertThat(EmulatorMain.parse(new String[0]).bind().host()).isEqualTo("127.0.0.1");
    assertThat(EmulatorMain.parse(new String[0]).healthTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void parsesBindAndHealthOptions() {
    EmulatorMain.Options o = EmulatorMain.parse(new String[] {"--bind", "127.0.0.7"});
    assertThat(o.bind().host()).isEqualTo("127.0.0.7");
    assertThat(o.bind().auto()).isFalse();
    assertThat(EmulatorMain.parse(new String[] {"--bind", "auto"}).bind().auto()).isTrue();
    EmulatorMain.Options h = EmulatorMain.parse(new String[] {"--health", "--bind", "127.0.0.3", "--health-timeout", "0"});
    assertThat(h.health()).isTrue();
    assertThat(h.healthTimeout()).isZero();
    assertThat(EmulatorMain.parse(new String[] {"--bind", "10.1.2.3", "--allow-non-loopback"}).bind().allowNonLoopback())
        .isTrue();
  }

  @Test
  void bindAndHealthUsageErrorsNameTheOptionAndValue() {
    assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--bind", "localhost"}))
        .hasMessage("--bind must be an IPv4 literal such as 127.0.0.2, or auto, but was 'localhost'");
    assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--bind", "10.1.2.3"}))
        .hasMessage("--bind 10.1.2.3 is not a loopback address: it would expose the hub to the network; add"
            + " --allow-non-loopback to allow it");
    assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--health", "--bind", "auto"}))
        .hasMessageStartingWith("--health needs the emulator's address");
    assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--health", "--https-port", "0"}))
        .hasMessageStartingWith("--health needs the emulator's HTTPS port, but --https-port was 0 (any)");
    assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--health-timeout", "-1"}))
        .hasMessage("--health-timeout must be a number of seconds from 0 to 3600, but was '-1'");
    assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--health-timeout", "soon"}))
        .hasMessage("--health-timeout must be a number of seconds from 0 to 3600, but was 'soon'");
  }

  @Test
  void healthCheckExitsZeroForAServingEmulatorAndOneOnceItIsGone() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    String host;
    int port;
    try (IotHubEmulator hub = IotHubEmulator.builder().bindAnyFreeLoopbackAddress().httpsPort(0).start()) {
      host = hub.bindAddress().getHostAddress();
      port = hub.httpsPort();
      assertThat(HealthCheck.run(host, port, Duration.ZERO, out)).isZero();
      assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("iothub-emulator: healthy at https://" + host + ":"
          + port + "/health: MQTT 8883 serving, AMQPS 5671 serving, HTTPS " + port + " serving" + System.lineSeparator());
    }
    bytes.reset();
    assertThat(HealthCheck.run(host, port, Duration.ofSeconds(1), out)).isEqualTo(1);
    assertThat(bytes.toString(StandardCharsets.UTF_8)).startsWith("iothub-emulator: not healthy at https://" + host
        + ":" + port + "/health after 1 s: java.net.ConnectException");
  }

  @Test
  void logLevelAndConfigOptionsAreCheckedAtParse(@TempDir Path dir) throws Exception {
    assertThat(EmulatorMain.parse(new String[] {"--log-level", "debug"}).effectiveLogLevel()).contains("DEBUG");
    assertThat(EmulatorMain.parse(new String[0]).effectiveLogLevel()).isEmpty();
    assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--log-level", "loud"}))
        .hasMessage("--log-level must be one of ERROR, WARN, INFO, DEBUG, TRACE, but was 'loud'");
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "limits:\n  queueDepth: -1\n");
    assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--config", bad.toString()}))
        .hasMessage(bad + ": limits.queueDepth must be positive, but was -1");
    Path file = Files.writeString(dir.resolve("c.yml"), "logLevel: warn\n");
    assertThat(EmulatorMain.parse(new String[] {"--config", file.toString()}).effectiveLogLevel()).contains("WARN");
    assertThat(EmulatorMain.parse(new String[] {"--config", file.toString(), "--log-level", "TRACE"})
        .effectiveLogLevel()).as("the flag wins").contains("TRACE");
  }

  @Test
  void flagsWinOverTheConfigFileAndDevicesAddToIt(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("c.json"), "{\"hubName\": \"file-hub\", \"bindAddress\": \"127.0.0.1\","
        + " \"httpsPort\": 1, \"devices\": [{\"id\": \"f1\", \"enabled\": false}]}");
    EmulatorMain.Options o = EmulatorMain.parse(new String[] {"--config", file.toString(), "--hub-name", "flag-hub",
        "--https-port", "0", "--bind", "auto", "--devices", "f1,cli-1"});
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (IotHubEmulator hub = EmulatorMain.start(o, new PrintStream(bytes, true, StandardCharsets.UTF_8))) {
      assertThat(hub.hubName()).isEqualTo("flag-hub");
      assertThat(hub.httpsPort()).isNotEqualTo(1);
      assertThat(hub.bindAddress().getHostAddress()).isNotEqualTo("127.0.0.1");
      assertThat(hub.engine().device("f1").orElseThrow().enabled()).as("the file's entry stays").isFalse();
      assertThat(hub.engine().device("cli-1")).isPresent();
      assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("with devices [f1, cli-1]");
    }
  }

  /** A user of the runnable jar, outside Java: the info file, then curl-like HTTPS with the service token. */
  private static HttpResponse<String> admin(JsonNode info, String method, String path, String body) throws Exception {
    SSLContext ssl = TlsMaterial.clientContext(Path.of(info.get("trustStore").asText()),
        info.get("trustStorePassword").asText());
    HttpClient client = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    return client.send(HttpRequest.newBuilder(URI.create("https://" + info.get("httpsHost").asText() + path))
        .header("Authorization", info.get("serviceSasToken").asText()).timeout(Duration.ofSeconds(10))
        .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode startAndReadInfo(Path dir, String... args) throws Exception {
    EmulatorMain.Options o = EmulatorMain.parse(args);
    hubs.add(EmulatorMain.start(o, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    return new ObjectMapper().readTree(o.infoFile().toFile());
  }

  private static final List<IotHubEmulator> hubs = new java.util.concurrent.CopyOnWriteArrayList<>();

  @AfterEach
  void closeHubs() {
    hubs.forEach(IotHubEmulator::close);
    hubs.clear();
  }

  @Test
  void virtualTimeFlagLetsTheJarsUserAdvanceTheClockOverHttps(@TempDir Path dir) throws Exception {
    JsonNode info = startAndReadInfo(dir, "--virtual-time", "--https-port", "0", "--bind", "auto", "--info-file",
        dir.resolve("info.json").toString());
    assertThat(info.get("virtualTime").asBoolean()).as("the info file says so").isTrue();

    HttpResponse<String> clock = admin(info, "GET", "/admin/clock", "");
    assertThat(clock.statusCode()).isEqualTo(200);
    JsonNode before = new ObjectMapper().readTree(clock.body());
    assertThat(before.get("virtual").asBoolean()).isTrue();
    HttpResponse<String> advanced = admin(info, "POST", "/admin/clock/advance", "{\"seconds\":3600}");
    assertThat(advanced.statusCode()).as(advanced.body()).isEqualTo(200);
    assertThat(Duration.between(Instant.parse(before.get("now").asText()),
        Instant.parse(new ObjectMapper().readTree(advanced.body()).get("now").asText()))).isEqualTo(Duration.ofHours(1));
    HttpResponse<String> health = admin(info, "GET", "/health", "");
    assertThat(new ObjectMapper().readTree(health.body()).get("virtualTime").asBoolean()).isTrue();
  }

  @Test
  void virtualTimeKeyInTheConfigFileDoesTheSameAndTheWallClockStillAnswers409(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("c.yaml"), "bindAddress: auto\nhttpsPort: 0\nvirtualTime: true\n");
    JsonNode info = startAndReadInfo(dir, "--config", file.toString(), "--info-file", dir.resolve("v.json").toString());
    assertThat(info.get("virtualTime").asBoolean()).isTrue();
    assertThat(admin(info, "POST", "/admin/clock/advance", "{\"seconds\":60}").statusCode()).isEqualTo(200);

    JsonNode wall = startAndReadInfo(dir, "--https-port", "0", "--bind", "auto", "--info-file",
        dir.resolve("w.json").toString());
    assertThat(wall.get("virtualTime").asBoolean()).isFalse();
    assertThat(admin(wall, "POST", "/admin/clock/advance", "{\"seconds\":60}").statusCode()).isEqualTo(409);
    assertThat(new ObjectMapper().readTree(admin(wall, "GET", "/health", "").body()).get("virtualTime").asBoolean())
        .isFalse();
  }

  @Test
  void configFilesAllowNonLoopbackCountsAsTheFlag(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("c.json"), "{\"allowNonLoopbackBindAddress\": true}");
    assertThat(EmulatorMain.parse(new String[] {"--bind", "10.1.2.3", "--config", file.toString()}).bind()
        .allowNonLoopback()).as("whichever comes first on the line").isTrue();
    assertThat(EmulatorMain.parse(new String[] {"--config", file.toString(), "--bind", "10.1.2.3"}).bind()
        .allowNonLoopback()).isTrue();
    Path no = Files.writeString(dir.resolve("no.json"), "{\"allowNonLoopbackBindAddress\": false}");
    assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--config", no.toString(), "--bind", "10.1.2.3"}))
        .hasMessageStartingWith("--bind 10.1.2.3 is not a loopback address");
  }

  /** The real command line in its own JVM: {@code --config FILE --health} asks where the file says. */
  @Test
  void healthChecksTheConfigFilesAddressAndPort(@TempDir Path dir) throws Exception {
    try (IotHubEmulator hub = IotHubEmulator.builder().bindAnyFreeLoopbackAddress().httpsPort(0).start()) {
      Path file = Files.writeString(dir.resolve("c.yaml"), "bindAddress: " + hub.bindAddress().getHostAddress()
          + "\nhttpsPort: " + hub.httpsPort() + "\n");
      assertThat(cli(dir, "--config", file.toString(), "--health", "--health-timeout", "0")).isZero();
    }
  }

  @Test
  void healthFlagsWinOverTheConfigFile(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("c.yaml"), "bindAddress: 127.0.0.5\nhttpsPort: 9443\n");
    EmulatorMain.Options fromFile = EmulatorMain.parse(new String[] {"--config", file.toString(), "--health"});
    assertThat(fromFile.healthHost()).isEqualTo("127.0.0.5");
    assertThat(fromFile.healthPort()).isEqualTo(9443);
    EmulatorMain.Options flags = EmulatorMain.parse(new String[] {"--health", "--bind", "127.0.0.6", "--https-port",
        "8444", "--config", file.toString()});
    assertThat(flags.healthHost()).isEqualTo("127.0.0.6");
    assertThat(flags.healthPort()).isEqualTo(8444);
    EmulatorMain.Options none = EmulatorMain.parse(new String[] {"--health"});
    assertThat(none.healthHost()).isEqualTo("127.0.0.1");
    assertThat(none.healthPort()).isEqualTo(8443);
    Path auto = Files.writeString(dir.resolve("a.yaml"), "bindAddress: auto\n");
    assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--config", auto.toString(), "--health"}))
        .hasMessageStartingWith("--health needs the emulator's address, but the configuration file's bindAddress is"
            + " auto");
    Path any = Files.writeString(dir.resolve("p.yaml"), "httpsPort: 0\n");
    assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--config", any.toString(), "--health"}))
        .hasMessageStartingWith("--health needs the emulator's HTTPS port, but the configuration file's httpsPort"
            + " was 0 (any)");
  }

  @Test
  void usageErrorsNameTheOptionAndValue() {
    assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--https-port", "http"}))
        .hasMessage("--https-port must be a number between 0 and 65535, but was 'http'");
    assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--https-port", "99999"}))
        .hasMessage("--https-port must be between 0 and 65535, but was 99999");
    assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--devices"})).hasMessage("--devices needs a value");
    assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--port", "1"})).hasMessage("unknown option '--port'");
    assertThatThrownBy(() -> EmulatorMain.parse(new String[] {"--devices", "a b"}))
        .hasMessageEndingWith("but was 'a b'");
  }

  /** The real command line in its own JVM: info file, real SDK clients, SIGTERM. */
  @Test
  void commandLineWritesInfoFileServesRealClientsAndStopsOnSigterm(@TempDir Path dir) throws Exception {
    Path info = dir.resolve("emulator.json");
    Path log = dir.resolve("out.txt");
    Process p = CommandLineProcess.start(List.of(), log,
        "--devices", "cli-1,cli-2", "--https-port", "0", "--bind", "auto", "--info-file", info.toString());
    try {
      JsonNode json = CommandLineProcess.awaitInfoFile(p, info, log);
      assertThat(json.get("devices").fieldNames()).toIterable().containsExactly("cli-1", "cli-2");
      assertThat(json.get("trustStoreType").asText()).isEqualTo("PKCS12");
      String address = json.get("bindAddress").asText();
      assertThat(address).startsWith("127.0.0.").isNotEqualTo("127.0.0.1");
      assertThat(json.get("serviceConnectionString").asText()).startsWith("HostName=" + address + ";");
      assertThat(json.get("httpsHost").asText()).startsWith(address + ":");
      String port = json.get("httpsHost").asText().substring(address.length() + 1);
      assertThat(json.get("healthUrl").asText()).isEqualTo("https://" + address + ":" + port + "/health");
      assertThat(cli(dir, "--health", "--bind", address, "--https-port", port, "--health-timeout", "5")).isZero();

      SSLContext ssl = TlsMaterial.clientContext(Path.of(json.get("trustStore").asText()), json.get("trustStorePassword").asText());
      HttpsURLConnection.setDefaultSSLSocketFactory(ssl.getSocketFactory());
      DeviceClient device = new DeviceClient(json.get("devices").get("cli-2").asText(), IotHubClientProtocol.MQTT,
          ClientOptions.builder().sslContext(ssl).build());
      try {
        device.open(false);
        device.subscribeToMethods((name, payload, ctx) -> new DirectMethodResponse(200, name), null);
        DirectMethodsClient methods = new DirectMethodsClient(json.get("httpsHost").asText(),
            new AzureSasCredential(json.get("serviceSasToken").asText()));
        assertThat(methods.invoke("cli-2", "ping", DirectMethodRequestOptions.builder()
            .methodResponseTimeoutSeconds(5).build()).getPayload(String.class)).isEqualTo("ping");
      } finally {
        device.close();
      }

      p.destroy(); // SIGTERM
      assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
      assertThat(cli(dir, "--health", "--bind", address, "--https-port", port, "--health-timeout", "0")).isEqualTo(1);
      String out = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(out).contains("iothub-emulator: serving").contains("iothub-emulator: stopped");
      assertThat(out).doesNotContain(json.get("serviceSasToken").asText());
    } finally {
      p.destroyForcibly();
    }
  }

  /** Runs the command line in its own JVM to its end; its exit status. */
  private static int cli(Path dir, String... args) throws Exception {
    Process p = CommandLineProcess.start(List.of(), Files.createTempFile(dir, "cli", ".txt"), args);
    try {
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("%s ends", List.of(args)).isTrue();
      return p.exitValue();
    } finally {
      p.destroyForcibly();
    }
  }
}
