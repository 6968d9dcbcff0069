package io.github.iothubcommands.emulator.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AzureSasCredential;
import com.fasterxml.jackson.databind.JsonNode;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
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
