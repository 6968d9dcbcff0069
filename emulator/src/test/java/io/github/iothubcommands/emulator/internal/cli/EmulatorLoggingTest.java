package io.github.iothubcommands.emulator.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.AzureSasCredential;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import io.github.iothubcommands.emulator.internal.tls.TlsMaterial;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line with the runnable jar's logging (src/shade/logback.xml), at DEBUG, under real SDK traffic
 * on every front door: the console shows the start line and DEBUG lines, and no key, token or signature.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EmulatorLoggingTest {

  @Test
  void debugOutputUnderRealSdkTrafficHoldsNoKeyAndNoSignature(@TempDir Path dir) throws Exception {
    Path config = Path.of(Objects.requireNonNull(getClass().getResource("/config/emulator.yaml")).toURI());
    Path info = dir.resolve("emulator.json");
    Path log = dir.resolve("out.txt");
    Process p = CommandLineProcess.start(
        List.of("-Dlogback.configurationFile=" + Path.of("src/shade/logback.xml").toAbsolutePath()), log,
        "--config", config.toString(), "--https-port", "0", "--log-level", "DEBUG", "--info-file", info.toString());
    List<String> secrets = new ArrayList<>(List.of("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=",
        "ZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5/gIGCg4Q="));
    try {
      JsonNode json = CommandLineProcess.awaitInfoFile(p, info, log);
      String serviceConnectionString = json.get("serviceConnectionString").asText();
      secrets.add(key(serviceConnectionString));
      secrets.add(key(json.get("devices").get("press-2").asText()));
      String sasToken = json.get("serviceSasToken").asText();
      Matcher sig = Pattern.compile("sig=([^&]+)").matcher(sasToken);
      assertThat(sig.find()).isTrue();
      secrets.add(sig.group(1));
      String deviceHost = serviceConnectionString.contains("HostName=localhost") ? "127.0.0.1"
          : json.get("bindAddress").asText();
      SSLContext ssl = TlsMaterial.clientContext(Path.of(json.get("trustStore").asText()),
          json.get("trustStorePassword").asText());
      HttpsURLConnection.setDefaultSSLSocketFactory(ssl.getSocketFactory());

      // MQTT device with the file's key, a direct method over HTTPS with the SAS token
      DeviceClient mqtt = new DeviceClient("HostName=" + deviceHost + ";DeviceId=press-1;SharedAccessKey="
          + secrets.get(0), IotHubClientProtocol.MQTT, ClientOptions.builder().sslContext(ssl).build());
      // AMQPS device with its generated key, receiving a C2D message sent over AMQPS
      DeviceClient amqp = new DeviceClient(json.get("devices").get("press-2").asText(), IotHubClientProtocol.AMQPS,
          ClientOptions.builder().sslContext(ssl).build());
      MessagingClient messaging = new MessagingClient(serviceConnectionString, IotHubServiceClientProtocol.AMQPS,
          MessagingClientOptions.builder().sslContext(ssl).build());
      try {
        mqtt.open(false);
        mqtt.subscribeToMethods((name, payload, ctx) -> new DirectMethodResponse(200, name), null);
        DirectMethodsClient methods = new DirectMethodsClient(json.get("httpsHost").asText(),
            new AzureSasCredential(sasToken));
        assertThat(methods.invoke("press-1", "ping", DirectMethodRequestOptions.builder()
            .methodResponseTimeoutSeconds(5).build()).getStatus()).isEqualTo(200);

        CountDownLatch received = new CountDownLatch(1);
        amqp.setMessageCallback((m, ctx) -> {
          received.countDown();
          return IotHubMessageResult.COMPLETE;
        }, null);
        amqp.open(false);
        messaging.open();
        messaging.send("press-2", new Message("{\"n\":1}"));
        assertThat(received.await(20, TimeUnit.SECONDS)).isTrue();
      } finally {
        messaging.close();
        amqp.close();
        mqtt.close();
      }
    } finally {
      p.destroy();
      assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
      p.destroyForcibly();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    Files.writeString(Path.of("target", "emulator-logging-test-output.txt"), out); // to read when it fails
    assertThat(out).containsPattern("INFO .* IoT Hub emulator line-7-hub started on 127\\.0\\.0\\.\\d+: serviceHost"
        + " [^,]+, deviceHost [^,]+, HTTPS port \\d+, AMQPS port 5671, MQTT port 8883; 3 devices");
    assertThat(out).as("--log-level DEBUG wins over the file's INFO").contains(" DEBUG ");
    assertThat(out).contains("iothub-emulator: stopped");
    for (String secret : secrets) {
      assertThat(out).doesNotContain(secret);
    }
    assertThat(out).doesNotContainPattern("(?i)sig=[^&\\s…]").doesNotContain("SharedAccessKey=");
  }

  private static String key(String connectionString) {
    Matcher m = Pattern.compile("SharedAccessKey=([^;]+)").matcher(connectionString);
    assertThat(m.find()).as("a key in the connection string").isTrue();
    return m.group(1);
  }
}
