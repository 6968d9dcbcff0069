package io.github.iothubcommands.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.emulator.internal.auth.SasToken;
import io.github.iothubcommands.engine.HubOperation;
import io.github.iothubcommands.spi.CloudToDeviceMessage;
import java.io.ByteArrayOutputStream;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The admin routes themselves, over raw HTTPS (java.net.http with the emulator's trust): authorization, every
 * route's answer, and the hub's error body for bad input. Their effects on SDK clients are in {@link
 * AdminSdkTest}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminHttpsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static IotHubEmulator hub;
  static IotHubEmulator wallClockHub;

  @BeforeAll
  static void start() {
    hub = IotHubEmulator.builder().bindAnyFreeLoopbackAddress().httpsPort(0).mqttPort(0).amqpPort(0)
        .devices("d1", "d2").virtualTime().start();
    wallClockHub = IotHubEmulator.builder().bindAnyFreeLoopbackAddress().httpsPort(0).mqttPort(0).amqpPort(0)
        .start();
  }

  @AfterAll
  static void stop() {
    for (IotHubEmulator h : new IotHubEmulator[] {hub, wallClockHub}) {
      if (h != null) {
        h.close();
      }
    }
  }

  @AfterEach
  void clear() {
    hub.admin().clearFaults();
  }

  record Answer(int status, JsonNode body) {
    /** The inner error object of IoT Hub's error body. */
    JsonNode error() throws Exception {
      return JSON.readTree(body.path("Message").asText());
    }
  }

  static Answer call(IotHubEmulator h, String method, String path, @Nullable String body,
      @Nullable String authorization) throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(h.sslContext()).connectTimeout(Duration.ofSeconds(10))
        .build();
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("https://" + h.httpsHost() + path))
        .timeout(Duration.ofSeconds(15))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (authorization != null) {
      req.header("Authorization", authorization);
    }
    HttpResponse<String> res = client.send(req.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(res.statusCode(), res.body().isEmpty() ? JSON.nullNode() : JSON.readTree(res.body()));
  }

  static Answer call(String method, String path, @Nullable String body) throws Exception {
    return call(hub, method, path, body, hub.serviceSasToken());
  }

  private static void assertRefused(Answer a, int status, int errorCode, String message) throws Exception {
    assertThat(a.status()).isEqualTo(status);
    assertThat(a.error().path("errorCode").asInt()).isEqualTo(errorCode);
    assertThat(a.error().path("message").asText()).contains(message);
  }

  private static void enqueue(String deviceId, String messageId) {
    hub.engine().enqueue(CloudToDeviceMessage.builder().deviceId(deviceId).messageId(messageId)
        .payload("{}".getBytes(StandardCharsets.UTF_8), "application/json").properties(Map.of())
        .acknowledgement(Acknowledgement.NONE).expiryTime(hub.admin().clock().plus(Duration.ofHours(1))).build());
  }

  @Test
  void everyAdminRouteNeedsTheServicePolicyAndAnswers401WithTheHubsErrorBodyOtherwise() throws Exception {
    for (String[] route : new String[][] {{"GET", "/admin/stats"}, {"GET", "/admin/clock"},
        {"POST", "/admin/clock/advance"}, {"DELETE", "/admin/devices/d1/messages"},
        {"POST", "/admin/devices/d1/disconnect"}, {"GET", "/admin/faults"}, {"DELETE", "/admin/faults"},
        {"POST", "/admin/faults/throttle"}, {"POST", "/admin/faults/drop-feedback"}}) {
      assertRefused(call(hub, route[0], route[1], null, null), 401, 401002, "IotHubUnauthorizedAccess");
      // another hub's token: signed with another key
      assertRefused(call(hub, route[0], route[1], null, wallClockHub.serviceSasToken()), 401, 401002,
          "IotHubUnauthorizedAccess");
    }
    assertThat(hub.admin().faults().isEmpty()).isTrue();
  }

  @Test
  void purgeAnswersHowManyMessagesItRemoved() throws Exception {
    enqueue("d2", "p1");
    enqueue("d2", "p2");
    Answer a = call("DELETE", "/admin/devices/d2/messages", null);
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.body().path("deviceId").asText()).isEqualTo("d2");
    assertThat(a.body().path("totalMessagesPurged").asInt()).isEqualTo(2);
    assertThat(hub.engine().device("d2").orElseThrow().cloudToDeviceMessageCount()).isZero();
    assertThat(call("DELETE", "/admin/devices/d2/messages", null).body().path("totalMessagesPurged").asInt())
        .isZero();
  }

  @Test
  void deviceIdsAreCheckedWithCoresRuleAndAnUnknownDeviceIs404() throws Exception {
    assertRefused(call("DELETE", "/admin/devices/bad%20id/messages", null), 400, 400004,
        "deviceId must be 1 to 128 characters");
    assertRefused(call("POST", "/admin/devices/" + "x".repeat(129) + "/disconnect", null), 400, 400004,
        "deviceId must be 1 to 128 characters");
    assertRefused(call("DELETE", "/admin/devices/nobody/messages", null), 404, 404001, "nobody");
    assertRefused(call("POST", "/admin/devices/nobody/disconnect", null), 404, 404001, "nobody");
  }

  /** A raw MQTT 3.1.1 CONNECT for a device, with a SAS token made from its key. */
  private static byte[] mqttConnect(String deviceId) throws Exception {
    String host = hub.deviceHost();
    String key = hub.engine().device(deviceId).orElseThrow().primaryKeyIfSet().orElseThrow();
    String password = SasToken.build(host + "/devices/" + deviceId, key,
        hub.admin().clock().plus(Duration.ofHours(1)).getEpochSecond(), null);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 4, (byte) 0xC2, 0, 60});
    for (String field : new String[] {deviceId, host + "/" + deviceId + "/?api-version=2021-04-12", password}) {
      byte[] b = field.getBytes(StandardCharsets.UTF_8);
      body.write(b.length >> 8);
      body.write(b.length & 0xFF);
      body.write(b);
    }
    ByteArrayOutputStream packet = new ByteArrayOutputStream();
    packet.write(0x10);
    for (int n = body.size(); ; ) { // remaining length, 7 bits a byte
      int digit = n % 128;
      n /= 128;
      packet.write(n > 0 ? digit | 0x80 : digit);
      if (n == 0) {
        break;
      }
    }
    body.writeTo(packet);
    return packet.toByteArray();
  }

  @Test
  void aCutConnectionEndsWithATcpResetWithoutAnMqttOrTlsGoodbye() throws Exception {
    try (SSLSocket device = (SSLSocket) hub.sslContext().getSocketFactory().createSocket(hub.bindAddress(),
        hub.mqttPort())) {
      device.setSoTimeout(10_000);
      device.getOutputStream().write(mqttConnect("d1"));
      device.getOutputStream().flush();
      byte[] connack = device.getInputStream().readNBytes(4);
      assertThat(connack).containsExactly(0x20, 2, 0, 0); // accepted
      assertThat(hub.engine().device("d1").orElseThrow().connected()).isTrue();

      Answer a = call("POST", "/admin/devices/d1/disconnect", null);

      assertThat(a.status()).isEqualTo(200);
      assertThat(a.body().path("connectionsClosed").asInt()).isEqualTo(1);
      // no close_notify (read would return -1) and no FIN: the peer sees the connection reset
      assertThatThrownBy(() -> device.getInputStream().read()).isInstanceOf(SocketException.class)
          .hasMessageContaining("reset");
    }
    assertThat(hub.engine().device("d1").orElseThrow().connected()).isFalse();
  }

  @Test
  void disconnectingADeviceThatIsNotConnectedClosesNothing() throws Exception {
    Answer a = call("POST", "/admin/devices/d1/disconnect", null);
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.body().path("connectionsClosed").asInt()).isZero();
  }

  @Test
  void theClockIsReadAndAdvancedWhenVirtual() throws Exception {
    Answer read = call("GET", "/admin/clock", null);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.body().path("virtual").asBoolean()).isTrue();
    Instant before = Instant.parse(read.body().path("now").asText());
    Answer advanced = call("POST", "/admin/clock/advance", "{\"seconds\":90}");
    assertThat(advanced.status()).isEqualTo(200);
    assertThat(Instant.parse(advanced.body().path("now").asText())).isEqualTo(before.plusSeconds(90));
    assertThat(hub.admin().clock()).isEqualTo(before.plusSeconds(90));
  }

  @Test
  void advancingAWallClockIs409ButReadingItWorks() throws Exception {
    Answer read = call(wallClockHub, "GET", "/admin/clock", null, wallClockHub.serviceSasToken());
    assertThat(read.body().path("virtual").asBoolean()).isFalse();
    assertThat(Instant.parse(read.body().path("now").asText())).isCloseTo(Instant.now(),
        org.assertj.core.api.Assertions.within(1, java.time.temporal.ChronoUnit.MINUTES));
    assertRefused(call(wallClockHub, "POST", "/admin/clock/advance", "{\"seconds\":1}",
        wallClockHub.serviceSasToken()), 409, 409000, "cannot be advanced");
  }

  @Test
  void badBodiesAre400NamingTheFieldTheRuleAndTheValue() throws Exception {
    assertRefused(call("POST", "/admin/clock/advance", null), 400, 400004, "the body must be a JSON object");
    assertRefused(call("POST", "/admin/clock/advance", "[1]"), 400, 400004, "but was an array");
    assertRefused(call("POST", "/admin/clock/advance", "{}"), 400, 400004, "seconds is required");
    assertRefused(call("POST", "/admin/clock/advance", "{\"seconds\":-1}"), 400, 400004,
        "seconds must be a whole number between 0 and 604800, but was -1");
    assertRefused(call("POST", "/admin/clock/advance", "{\"seconds\":604801}"), 400, 400004, "but was 604801");
    assertRefused(call("POST", "/admin/clock/advance", "{\"seconds\":1.5}"), 400, 400004, "but was 1.5");
    assertRefused(call("POST", "/admin/clock/advance", "{\"seconds\":\"5\"}"), 400, 400004, "but was \"5\"");
    assertRefused(call("POST", "/admin/faults/throttle", "{\"operation\":\"twin\",\"count\":1}"), 400, 400004,
        "operation must be \"cloudToDeviceSend\" or \"directMethod\", but was \"twin\"");
    assertRefused(call("POST", "/admin/faults/throttle", "{\"operation\":\"directMethod\"}"), 400, 400004,
        "exactly one of count (the next n calls) or seconds");
    assertRefused(call("POST", "/admin/faults/throttle",
        "{\"operation\":\"directMethod\",\"count\":1,\"seconds\":1}"), 400, 400004, "but had both");
    assertRefused(call("POST", "/admin/faults/throttle", "{\"operation\":\"directMethod\",\"count\":0}"), 400,
        400004, "count must be a whole number between 1 and 100000, but was 0");
    assertRefused(call("POST", "/admin/faults/throttle", "{\"operation\":\"directMethod\",\"seconds\":86401}"),
        400, 400004, "seconds must be a whole number between 1 and 86400");
    assertRefused(call("POST", "/admin/faults/drop-feedback", "{\"count\":100001}"), 400, 400004,
        "count must be a whole number between 1 and 100000, but was 100001");
    assertRefused(call("POST", "/admin/faults/drop-feedback", "{\"count\":"), 400, 400004, "");
    assertThat(hub.admin().faults().isEmpty()).as("nothing was armed by a refused request").isTrue();
  }

  @Test
  void theJavaApiChecksTheSameRules() {
    EmulatorAdmin admin = hub.admin();
    assertThatThrownBy(() -> admin.throttleNext(HubOperation.DIRECT_METHOD, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("count must be between 1 and 100000, but was 0");
    assertThatThrownBy(() -> admin.dropNextFeedback(100_001))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("count must be between 1 and 100000, but was 100001");
    assertThatThrownBy(() -> admin.throttleFor(HubOperation.CLOUD_TO_DEVICE_SEND, Duration.ofDays(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("duration must be more than 0 s and at most 86400 s, but was PT48H");
    assertThatThrownBy(() -> admin.advanceClock(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("duration must be between 0 s and 604800 s, but was -1 s");
    assertThatThrownBy(() -> wallClockHub.admin().advanceClock(Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot be advanced")
        .hasMessageContaining("virtualTime()");
    assertThatThrownBy(() -> admin.purgeQueue("bad id")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("deviceId must be 1 to 128 characters").hasMessageEndingWith("but was 'bad id'");
    assertThatThrownBy(() -> admin.disconnectDevice("nobody"))
        .isInstanceOfSatisfying(io.github.iothubcommands.HubException.class,
            e -> assertThat(e.error()).isEqualTo(io.github.iothubcommands.HubError.DEVICE_NOT_FOUND));
    assertThat(admin.faults().isEmpty()).isTrue();
    assertThat(wallClockHub.admin().isClockVirtual()).isFalse();
    assertThat(admin.isClockVirtual()).isTrue();
  }

  @Test
  void unknownRoutesAre404AndWrongMethods405() throws Exception {
    assertRefused(call("GET", "/admin/nothing", null), 404, 404000, "no admin route GET /admin/nothing");
    assertRefused(call("GET", "/admin", null), 404, 404000, "no admin route");
    assertRefused(call("POST", "/admin/stats", "{}"), 405, 405000, "/admin/stats takes GET, not POST");
    assertRefused(call("PUT", "/admin/faults", "{}"), 405, 405000, "takes GET or DELETE, not PUT");
  }

  @Test
  void faultsAreArmedReadAndClearedOverHttps() throws Exception {
    Answer throttle = call("POST", "/admin/faults/throttle", "{\"operation\":\"directMethod\",\"count\":3}");
    assertThat(throttle.status()).isEqualTo(200);
    assertThat(throttle.body().path("throttle").path("directMethod").path("count").asInt()).isEqualTo(3);
    call("POST", "/admin/faults/throttle", "{\"operation\":\"cloudToDeviceSend\",\"seconds\":60}");
    Answer drop = call("POST", "/admin/faults/drop-feedback", "{\"count\":2}");
    assertThat(drop.body().path("dropFeedback").asInt()).isEqualTo(2);
    Answer read = call("GET", "/admin/faults", null);
    assertThat(Instant.parse(read.body().path("throttle").path("cloudToDeviceSend").path("until").asText()))
        .isEqualTo(hub.admin().clock().plusSeconds(60));
    assertThat(hub.admin().faults().throttleNext()).containsEntry(HubOperation.DIRECT_METHOD, 3);
    assertThat(call("DELETE", "/admin/faults", null).status()).isEqualTo(204);
    assertThat(hub.admin().faults().isEmpty()).isTrue();
    assertThat(call("GET", "/admin/faults", null).body().toString())
        .isEqualTo("{\"throttle\":{},\"dropFeedback\":0}");
  }

  @Test
  void statsShowTheCountsAndEachDevicesQueueAndOnlineState() throws Exception {
    long enqueuedBefore = hub.admin().counts().cloudToDeviceEnqueued();
    enqueue("d1", "s1");
    Answer a = call("GET", "/admin/stats", null);
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.body().path("cloudToDevice").path("enqueued").asLong()).isEqualTo(enqueuedBefore + 1);
    assertThat(a.body().path("methods").has("timedOut")).isTrue();
    assertThat(a.body().has("throttled")).isTrue();
    assertThat(a.body().has("connections")).isTrue();
    JsonNode d1 = a.body().path("devices").get(0);
    assertThat(d1.path("deviceId").asText()).isEqualTo("d1");
    assertThat(d1.path("connected").asBoolean()).isFalse();
    assertThat(d1.path("queueDepth").asInt()).isEqualTo(hub.engine().device("d1").orElseThrow()
        .cloudToDeviceMessageCount()).isPositive();
    assertThat(a.body().toString()).doesNotContain("Key").doesNotContain("SharedAccessSignature");
    hub.admin().purgeQueue("d1");
  }
  @Test
  void advancingTheClockRunsWhatFallsDueOffTheEventLoops() throws Exception {
    java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    hub.engine().time().schedule(Duration.ofSeconds(1), () -> { // a slow engine task falling due in the advance
      running.countDown();
      try {
        release.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    java.util.concurrent.CompletableFuture<Answer> advance = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return call("POST", "/admin/clock/advance", "{\"seconds\":2}");
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
    try {
      assertThat(running.await(10, TimeUnit.SECONDS)).as("the task runs in the advance").isTrue();
      for (int i = 0; i < 4; i++) { // new connections each, spread over every event loop: all still served
        assertThat(call("GET", "/admin/clock", null).status()).isEqualTo(200);
      }
      assertThat(advance).as("the advance waits for its task").isNotDone();
    } finally {
      release.countDown();
    }
    assertThat(advance.get(15, TimeUnit.SECONDS).status()).isEqualTo(200);
  }
}
