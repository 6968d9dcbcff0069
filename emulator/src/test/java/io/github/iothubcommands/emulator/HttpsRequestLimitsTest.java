package io.github.iothubcommands.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubcommands.emulator.internal.https.HttpsServiceServer;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTPS front door decides from a request's head: a request it could not decode is answered as such
 * (431, 414, 400) and not as a missing Authorization header; a request without a valid token is refused
 * before its body is held; a declared body past the limit is refused before it arrives.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpsRequestLimitsTest {
  static IotHubEmulator hub;

  @BeforeAll
  static void start() {
    hub = IotHubEmulator.builder().bindAnyFreeLoopbackAddress().devices("d1").httpsPort(0).mqttPort(0).amqpPort(0).start();
  }

  @AfterAll
  static void stop() {
    if (hub != null) {
      hub.close();
    }
  }

  @Test
  void requestWithA100KbHeaderIsAnswered431NotAsAMissingAuthorization() throws Exception {
    RawHttps.Response r = RawHttps.exchange(hub, RawHttps.request(hub, "GET /devices/d1?api-version=2021-04-12", "",
        "X-Padding: " + "a".repeat(100 * 1024)));
    assertThat(r.status()).as(r.statusLine()).isEqualTo(431);
    assertThat(r.body()).contains("431000").doesNotContain("Authorization");
  }

  @Test
  void headerFarPastWhatSocketBuffersHoldIsStillAnswered431_theClientReadsTheAnswerAfterItsWriteFails()
      throws Exception {
    // 8 MB: the server answers and closes long before the client has written it all, every time.
    RawHttps.Response r = RawHttps.exchange(hub, RawHttps.request(hub, "GET /devices/d1?api-version=2021-04-12", "",
        "X-Padding: " + "a".repeat(8 * 1024 * 1024)));
    assertThat(r.status()).as(r.statusLine()).isEqualTo(431);
    assertThat(r.body()).contains("431000");
  }

  @Test
  void headersJustUnderTheLimitAreServed() throws Exception {
    RawHttps.Response r = RawHttps.exchange(hub, RawHttps.request(hub, "GET /devices/d1?api-version=2021-04-12", "",
        "X-Padding: " + "a".repeat(HttpsServiceServer.MAX_HEADER_BYTES - 1024)));
    assertThat(r.status()).as(r.statusLine()).isEqualTo(200);
  }

  @Test
  void requestLinePastTheLimitIsAnswered414() throws Exception {
    RawHttps.Response r = RawHttps.exchange(hub, RawHttps.request(hub,
        "GET /devices/d1?api-version=2021-04-12&x=" + "a".repeat(HttpsServiceServer.MAX_REQUEST_LINE_BYTES), ""));
    assertThat(r.status()).as(r.statusLine()).isEqualTo(414);
  }

  @Test
  void requestThatIsNotHttpIsAnswered400() throws Exception {
    RawHttps.Response r = RawHttps.exchange(hub, "GET /devices/d1 HTTP/1.1\r\nnot a header line\r\n\r\n");
    assertThat(r.status()).as(r.text()).isEqualTo(400);
  }

  @Test
  void unauthorizedRequestIsRefusedFromItsHeadersWithoutWaitingForItsBody() throws Exception {
    String head = "PUT /devices/d2?api-version=2021-04-12 HTTP/1.1\r\nHost: localhost\r\n"
        + "Authorization: SharedAccessSignature sr=localhost&sig=bad&se=9999999999&skn=iothubowner\r\n"
        + "Content-Length: 200000\r\n\r\n";
    try (Socket s = RawHttps.open(hub)) {
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII)); // and not one byte of the 200,000 announced
      out.flush();
      RawHttps.Response r = RawHttps.read(s);
      assertThat(r.status()).as(r.text()).isEqualTo(401);
      assertThat(r.body()).contains("401002");
    }
  }

  @Test
  void declaredBodyPastTheLimitIsAnswered413BeforeItArrives() throws Exception {
    String head = RawHttps.request(hub, "PUT /devices/d2?api-version=2021-04-12", "")
        .replace("Content-Length: 0", "Content-Length: " + (HttpsServiceServer.MAX_BODY_BYTES + 1));
    try (Socket s = RawHttps.open(hub)) {
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      RawHttps.Response r = RawHttps.read(s);
      assertThat(r.status()).as(r.text()).isEqualTo(413);
      assertThat(r.body()).contains("413002");
    }
    assertThat(hub.engine().device("d2")).isEmpty();
  }

  @Test
  void bodyOfAMethodWithTheLargestPayloadIsWithinTheLimit() throws Exception {
    String payload = "\"" + "p".repeat(128 * 1024 - 2) + "\"";
    RawHttps.Response r = RawHttps.exchange(hub, RawHttps.request(hub, "POST /twins/d1/methods?api-version=2021-04-12",
        "{\"methodName\":\"big\",\"responseTimeoutInSeconds\":5,\"payload\":" + payload + "}"));
    assertThat(r.status()).as(r.statusLine()).isEqualTo(404); // offline device: 404103, so it was read whole
    assertThat(r.body()).contains("404103");
  }
}
