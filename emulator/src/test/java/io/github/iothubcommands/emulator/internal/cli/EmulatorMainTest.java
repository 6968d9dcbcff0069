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
import io.github.iothubcommands.emulator.internal.tls.TlsMaterial;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), EmulatorMain.class.getName(),
        "--devices", "cli-1,cli-2", "--https-port", "0", "--info-file", info.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Files.exists(info) && p.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(info).as("info file; output: %s", Files.exists(log) ? Files.readString(log) : "").exists();
      JsonNode json = new ObjectMapper().readTree(info.toFile());
      assertThat(json.get("devices").fieldNames()).toIterable().containsExactly("cli-1", "cli-2");
      assertThat(json.get("trustStoreType").asText()).isEqualTo("PKCS12");
      assertThat(json.get("serviceConnectionString").asText()).startsWith("HostName=localhost;");
      assertThat(json.get("httpsHost").asText()).startsWith("localhost:");

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
      String out = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(out).contains("iothub-emulator: serving").contains("iothub-emulator: stopped");
      assertThat(out).doesNotContain(json.get("serviceSasToken").asText());
    } finally {
      p.destroyForcibly();
    }
  }
}
