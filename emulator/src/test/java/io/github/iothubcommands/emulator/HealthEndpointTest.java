package io.github.iothubcommands.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code GET /health} on the HTTPS port: no authorization, every front door's state. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HealthEndpointTest {
  static IotHubEmulator hub;

  @BeforeAll
  static void start() {
    hub = IotHubEmulator.builder().bindAnyFreeLoopbackAddress().devices("d1").start();
  }

  @AfterAll
  static void stop() {
    if (hub != null) {
      hub.close();
    }
  }

  @Test
  void healthAnswers200WithEveryFrontDoorServingWithoutAuthorization() throws Exception {
    HttpsURLConnection c = (HttpsURLConnection) URI.create(hub.healthUrl()).toURL().openConnection();
    c.setSSLSocketFactory(hub.sslContext().getSocketFactory()); // default host name verification: the IP SAN
    c.setConnectTimeout(10_000);
    c.setReadTimeout(10_000);
    assertThat(c.getResponseCode()).isEqualTo(200);
    assertThat(c.getContentType()).startsWith("application/json");
    JsonNode body;
    try (InputStream in = c.getInputStream()) {
      body = new ObjectMapper().readTree(in);
    }
    assertThat(body.path("status").asText()).isEqualTo("serving");
    JsonNode doors = body.path("frontDoors");
    assertThat(doors.size()).isEqualTo(3);
    assertThat(doors.path("MQTT").path("port").asInt()).isEqualTo(hub.mqttPort());
    assertThat(doors.path("AMQPS").path("port").asInt()).isEqualTo(hub.amqpPort());
    assertThat(doors.path("HTTPS").path("port").asInt()).isEqualTo(hub.httpsPort());
    doors.forEach(d -> assertThat(d.path("state").asText()).isEqualTo("serving"));
  }

  @Test
  void healthWithAQueryAndTwiceOnOneConnectionIsAnsweredEachTime() throws Exception {
    try (Socket s = RawHttps.open(hub)) {
      OutputStream out = s.getOutputStream();
      String get = "GET /health?probe=1 HTTP/1.1\r\nHost: x\r\n\r\n";
      out.write((get + get.replace("?probe=1", "")).getBytes(StandardCharsets.US_ASCII)); // pipelined
      out.flush();
      String text = readAtLeast(s, 2);
      assertThat(text.split("HTTP/1.1 200 OK", -1)).hasSize(3);
      assertThat(text).contains("\"status\":\"serving\"");
    }
  }

  @Test
  void otherRequestsOnHealthStillNeedAuthorization() throws Exception {
    String post = "POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    assertThat(RawHttps.exchange(hub, post).status()).isEqualTo(401);
    String registry = "GET /devices/d1?api-version=2021-04-12 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    assertThat(RawHttps.exchange(hub, registry).status()).isEqualTo(401);
  }

  private static String readAtLeast(Socket s, int responses) throws Exception {
    StringBuilder text = new StringBuilder();
    InputStream in = s.getInputStream();
    byte[] buf = new byte[4096];
    while (text.toString().split("\"status\"", -1).length <= responses) {
      int n = in.read(buf);
      if (n < 0) {
        break;
      }
      text.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
    }
    return text.toString();
  }
}
