package io.github.iothubcommands.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AzureSasCredential;
import com.google.gson.JsonObject;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubConflictException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubGatewayTimeoutException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubUnauthorizedException;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.DeviceConnectionState;
import com.microsoft.azure.sdk.iot.service.registry.DeviceStatus;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.MethodResponse;
import io.github.iothubcommands.emulator.internal.auth.SasToken;
import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.FeedbackRecord;
import io.github.iothubcommands.spi.FeedbackReceiver;
import io.github.iothubcommands.spi.FeedbackStatus;
import io.github.iothubcommands.spi.MethodInvocation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The real Azure IoT SDK clients (service 2.1.9, device 2.5.0) against one emulator on loopback. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IotHubEmulatorSdkTest {
  static IotHubEmulator hub;
  static final BlockingQueue<FeedbackRecord> feedback = new LinkedBlockingQueue<>();

  @BeforeAll
  static void start() {
    hub = IotHubEmulator.builder().bindAnyFreeLoopbackAddress().devices("c2d", "m1", "offline", "slow", "wrong-key")
        .hubName("sdk-test").start();
    // The service SDK's HTTPS layer is HttpsURLConnection without an SSLContext option: JVM default.
    HttpsURLConnection.setDefaultSSLSocketFactory(hub.sslContext().getSocketFactory());
    hub.engine().subscribeFeedback(FeedbackReceiver.taking(feedback::addAll));
  }

  @AfterAll
  static void stop() {
    if (hub != null) {
      hub.close();
    }
  }

  static DeviceClient device(String connectionString) {
    return new DeviceClient(connectionString, IotHubClientProtocol.MQTT,
        ClientOptions.builder().sslContext(hub.sslContext()).build());
  }

  static DirectMethodsClient methods() {
    return new DirectMethodsClient(hub.httpsHost(), new AzureSasCredential(hub.serviceSasToken()));
  }

  static CloudToDeviceMessage message(String deviceId, String messageId, Map<String, String> properties) {
    return CloudToDeviceMessage.builder().deviceId(deviceId).messageId(messageId)
        .payload(("{\"id\":\"" + messageId + "\"}").getBytes(StandardCharsets.UTF_8), "application/json")
        .properties(properties).acknowledgement(Acknowledgement.FULL).expiryTime(Instant.now()
        .plus(Duration.ofMinutes(5))).build();
  }

  @Test
  void cloudToDeviceMessageReachesMqttDeviceAndItsPubackGivesSuccessFeedback() throws Exception {
    BlockingQueue<Message> received = new LinkedBlockingQueue<>();
    DeviceClient client = device(hub.deviceConnectionString("c2d"));
    client.setMessageCallback((m, ctx) -> {
      received.add(m);
      return IotHubMessageResult.COMPLETE;
    }, null);
    try {
      client.open(false);
      hub.engine().enqueue(message("c2d", "mid-1", Map.of("color", "blue", "odd key", "a b&c=d+e/%")));

      Message m = received.poll(10, TimeUnit.SECONDS);
      assertThat(m).isNotNull();
      assertThat(m.getMessageId()).isEqualTo("mid-1");
      assertThat(m.getProperty("color")).isEqualTo("blue");
      assertThat(m.getProperty("odd key")).isEqualTo("a b&c=d+e/%");
      assertThat(new String(m.getBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"mid-1\"}");

      hub.engine().flushFeedback();
      FeedbackRecord record = pollFeedback("mid-1");
      assertThat(record.status()).isEqualTo(FeedbackStatus.SUCCESS);
      assertThat(record.deviceId()).isEqualTo("c2d");
      assertThat(hub.engine().device("c2d").orElseThrow().cloudToDeviceMessageCount()).isZero();
    } finally {
      client.close();
    }
  }

  static FeedbackRecord pollFeedback(String messageId) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      hub.engine().flushFeedback();
      FeedbackRecord r = feedback.poll(100, TimeUnit.MILLISECONDS);
      if (r != null && r.originalMessageId().equals(messageId)) {
        return r;
      }
    }
    throw new AssertionError("no feedback for " + messageId);
  }

  @Test
  void directMethodFromDirectMethodsClientIsAnsweredByDeviceHandlerWithStatusAndPayload() throws Exception {
    DeviceClient client = device(hub.deviceConnectionString("m1"));
    try {
      client.open(false);
      client.subscribeToMethods((name, payload, ctx) -> {
        JsonObject reply = new JsonObject();
        reply.addProperty("method", name);
        reply.add("echo", payload.getPayloadAsJsonElement());
        return new DirectMethodResponse(201, reply);
      }, null);

      var response = methods().invoke("m1", "reboot", DirectMethodRequestOptions.builder()
          .payload(Map.of("delay", 3)).methodResponseTimeoutSeconds(10).methodConnectTimeoutSeconds(0).build());

      assertThat(response.getStatus()).isEqualTo(201);
      JsonObject p = response.getPayloadAsJsonElement().getAsJsonObject();
      assertThat(p.get("method").getAsString()).isEqualTo("reboot");
      assertThat(p.getAsJsonObject("echo").get("delay").getAsInt()).isEqualTo(3);
    } finally {
      client.close();
    }
  }

  @Test
  void deviceWithPlusAndPercentInItsIdConnectsWithTheConnectionStringTheEmulatorGivesIt() throws Exception {
    String id = "amqp+1%x";
    // AMQPS: the device SDK's MQTT client refuses a '+' in its topic filters.
    DeviceClient client = new DeviceClient(hub.registerDevice(id), IotHubClientProtocol.AMQPS,
        ClientOptions.builder().sslContext(hub.sslContext()).build());
    try {
      client.open(false);
      client.subscribeToMethods((name, payload, ctx) -> new DirectMethodResponse(200, name), null);
      MethodResponse r = hub.engine().invoke(MethodInvocation.builder().deviceId(id).methodName("ping")
          .payloadJson("null").connectTimeout(Duration.ofSeconds(5)).responseTimeout(Duration.ofSeconds(10))
          .build()).get(15, TimeUnit.SECONDS);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.payloadJson()).isEqualTo("\"ping\"");
    } finally {
      client.close();
    }
  }

  @Test
  void directMethodToOfflineDeviceFailsWithTheSdks404103() {
    assertThatThrownBy(() -> methods().invoke("offline", "reboot", DirectMethodRequestOptions.builder()
        .methodResponseTimeoutSeconds(5).methodConnectTimeoutSeconds(0).build()))
        .isInstanceOfSatisfying(IotHubNotFoundException.class, e -> assertThat(e.getErrorCode()).isEqualTo(404103));
  }

  @Test
  void directMethodWaitsWithinItsConnectTimeoutForTheDeviceToConnect() throws Exception {
    DeviceClient client = device(hub.registerDevice("late"));
    ExecutorService connector = Executors.newSingleThreadExecutor();
    try {
      Future<?> connected = connector.submit(() -> {
        Thread.sleep(500);
        client.open(false);
        client.subscribeToMethods((name, payload, ctx) -> new DirectMethodResponse(200, "late-ok"), null);
        return null;
      });
      var response = methods().invoke("late", "ping", DirectMethodRequestOptions.builder()
          .methodResponseTimeoutSeconds(10).methodConnectTimeoutSeconds(15).build());
      assertThat(response.getStatus()).isEqualTo(200);
      assertThat(response.getPayload(String.class)).isEqualTo("late-ok");
      connected.get(10, TimeUnit.SECONDS);
    } finally {
      connector.shutdownNow();
      client.close();
    }
  }

  @Test
  void directMethodToAModuleIsRefusedWith404SayingModulesAreNotEmulated() {
    assertThatThrownBy(() -> methods().invoke("m1", "mod", "reboot", DirectMethodRequestOptions.builder()
        .methodResponseTimeoutSeconds(5).build()))
        .isInstanceOfSatisfying(IotHubNotFoundException.class, e -> {
          assertThat(e.getErrorCode()).isEqualTo(404010);
          assertThat(e.getMessage()).contains("does not emulate module identities");
        });
  }

  @Test
  void directMethodNotAnsweredInTimeFailsWithTheSdksGatewayTimeout() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    DeviceClient client = device(hub.deviceConnectionString("slow"));
    try {
      client.open(false);
      client.subscribeToMethods((name, payload, ctx) -> {
        try {
          release.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return new DirectMethodResponse(200, null);
      }, null);

      long start = System.nanoTime();
      assertThatThrownBy(() -> methods().invoke("slow", "hang", DirectMethodRequestOptions.builder()
          .methodResponseTimeoutSeconds(5).build()))
          .isInstanceOfSatisfying(IotHubGatewayTimeoutException.class,
              e -> assertThat(e.getErrorCode()).isEqualTo(504101));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(4900), Duration.ofSeconds(9));
    } finally {
      release.countDown();
      client.close();
    }
  }

  @Test
  void registryClientCreatesDeviceThatThenConnectsOverMqtt() throws Exception {
    RegistryClient registry = new RegistryClient(hub.httpsHost(), new AzureSasCredential(hub.serviceSasToken()));
    Device created = registry.addDevice(new Device("reg-1"));
    assertThat(created.getPrimaryKey()).isNotBlank();
    assertThat(hub.engine().device("reg-1").orElseThrow().primaryKey()).isEqualTo(created.getPrimaryKey());
    assertThatThrownBy(() -> registry.addDevice(new Device("reg-1"))).isInstanceOf(IotHubConflictException.class);

    DeviceClient client = device("HostName=" + hub.deviceHost() + ";DeviceId=reg-1;SharedAccessKey=" + created.getPrimaryKey());
    try {
      client.open(false);
      hub.engine().enqueue(message("reg-1", "queued-1", Map.of()));
      Device fetched = registry.getDevice("reg-1");
      assertThat(fetched.getConnectionState()).isEqualTo(DeviceConnectionState.Connected);
      assertThat(fetched.getCloudToDeviceMessageCount()).isEqualTo(1); // no message callback: stays locked
      assertThat(fetched.getETag()).isEqualTo(created.getETag());
    } finally {
      client.close();
    }

    Device fetched = registry.getDevice("reg-1");
    fetched.setStatus(DeviceStatus.Disabled);
    Device updated = registry.updateDevice(fetched);
    assertThat(updated.getStatus()).isEqualTo(DeviceStatus.Disabled);
    assertThat(updated.getETag()).isNotEqualTo(fetched.getETag());
    DeviceClient disabled = device("HostName=" + hub.deviceHost() + ";DeviceId=reg-1;SharedAccessKey=" + created.getPrimaryKey());
    assertThatThrownBy(() -> disabled.open(false)).isInstanceOfSatisfying(IotHubClientException.class,
        e -> assertThat(e.getStatusCode()).isEqualTo(IotHubStatusCode.UNAUTHORIZED));
    disabled.close();

    registry.removeDevice(updated);
    assertThatThrownBy(() -> registry.getDevice("reg-1")).isInstanceOfSatisfying(IotHubNotFoundException.class,
        e -> assertThat(e.getErrorCode()).isEqualTo(404001));
  }

  @Test
  void wrongDeviceKeyIsRefusedOnMqttAsUnauthorized() {
    String wrongKey = Base64.getEncoder().encodeToString(new byte[32]);
    DeviceClient client = device("HostName=" + hub.deviceHost() + ";DeviceId=wrong-key;SharedAccessKey=" + wrongKey);
    try {
      assertThatThrownBy(() -> client.open(false)).isInstanceOfSatisfying(IotHubClientException.class,
          e -> assertThat(e.getStatusCode()).isEqualTo(IotHubStatusCode.UNAUTHORIZED));
      assertThat(hub.engine().device("wrong-key").orElseThrow().connected()).isFalse();
    } finally {
      client.close();
    }
  }

  @Test
  void wrongPolicyKeyIsRefusedOnHttpsWith401() {
    String forged = SasToken.build(hub.serviceHost(), Base64.getEncoder().encodeToString(new byte[32]),
        Instant.now().plusSeconds(3600).getEpochSecond(), "iothubowner");
    DirectMethodsClient client = new DirectMethodsClient(hub.httpsHost(), new AzureSasCredential(forged));
    assertThatThrownBy(() -> client.invoke("m1", "reboot")).isInstanceOfSatisfying(IotHubUnauthorizedException.class,
        e -> assertThat(e.getMessage()).doesNotContain(forged.substring(forged.indexOf("sig="))));
  }

  @Test
  void expiredServiceTokenIsRefusedOnHttpsWith401() {
    String token = hub.serviceSasToken();
    String key = hub.serviceConnectionString().replaceAll(".*SharedAccessKey=", "");
    String expired = SasToken.build(hub.serviceHost(), key, Instant.now().minusSeconds(1).getEpochSecond(), "iothubowner");
    RegistryClient registry = new RegistryClient(hub.httpsHost(), new AzureSasCredential(expired));
    assertThatThrownBy(() -> registry.getDevice("m1")).isInstanceOf(IotHubUnauthorizedException.class);
    assertThat(token).isNotEqualTo(expired);
  }

  @Test
  void concurrentDeviceAndServiceTrafficKeepsPerDeviceFifoAndExactlyOnceFeedback() throws Exception {
    int devices = 4;
    int messagesPerDevice = 40;
    int methodCalls = 100;
    List<DeviceClient> clients = new ArrayList<>();
    Map<String, List<String>> received = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int d = 0; d < devices; d++) {
        String id = "fifo-" + d;
        List<String> got = Collections.synchronizedList(new ArrayList<>());
        received.put(id, got);
        DeviceClient client = device(hub.registerDevice(id));
        client.setMessageCallback((m, ctx) -> {
          got.add(m.getMessageId());
          return IotHubMessageResult.COMPLETE;
        }, null);
        client.open(false);
        client.subscribeToMethods((name, payload, ctx) -> new DirectMethodResponse(200, payload.getPayloadAsJsonElement()),
            null);
        clients.add(client);
      }
      List<Future<?>> work = new ArrayList<>();
      for (int d = 0; d < devices; d++) {
        String id = "fifo-" + d;
        work.add(pool.submit(() -> {
          for (int n = 0; n < messagesPerDevice; n++) {
            hub.engine().enqueue(message(id, id + "-" + n, Map.of("n", Integer.toString(n))));
          }
          return null;
        }));
      }
      DirectMethodsClient methods = methods();
      AtomicInteger answered = new AtomicInteger();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        work.add(pool.submit(() -> {
          for (int i = thread; i < methodCalls; i += 4) {
            var r = methods.invoke("fifo-" + (i % devices), "echo",
                DirectMethodRequestOptions.builder().payload(i).methodResponseTimeoutSeconds(10).build());
            assertThat(r.getPayload(Integer.class)).isEqualTo(i);
            answered.incrementAndGet();
          }
          return null;
        }));
      }
      for (Future<?> f : work) {
        f.get(30, TimeUnit.SECONDS);
      }
      assertThat(answered).hasValue(methodCalls);

      Set<String> expectedIds = new HashSet<>();
      for (int d = 0; d < devices; d++) {
        String id = "fifo-" + d;
        List<String> expected = IntStream.range(0, messagesPerDevice).mapToObj(n -> id + "-" + n).toList();
        expectedIds.addAll(expected);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (received.get(id).size() < messagesPerDevice && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertThat(List.copyOf(received.get(id))).as("messages of %s in order", id).containsExactlyElementsOf(expected);
      }
      Map<String, Integer> feedbackCount = new HashMap<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (feedbackCount.size() < expectedIds.size() && System.nanoTime() < deadline) {
        hub.engine().flushFeedback();
        FeedbackRecord r = feedback.poll(50, TimeUnit.MILLISECONDS);
        if (r != null && r.originalMessageId().startsWith("fifo-")) {
          assertThat(r.status()).isEqualTo(FeedbackStatus.SUCCESS);
          feedbackCount.merge(r.originalMessageId(), 1, Integer::sum);
        }
      }
      hub.engine().flushFeedback();
      for (FeedbackRecord r = feedback.poll(200, TimeUnit.MILLISECONDS); r != null; r = feedback.poll()) {
        if (r.originalMessageId().startsWith("fifo-")) {
          feedbackCount.merge(r.originalMessageId(), 1, Integer::sum);
        }
      }
      assertThat(feedbackCount.keySet()).isEqualTo(expectedIds);
      assertThat(feedbackCount.values()).allMatch(c -> c == 1);
    } finally {
      pool.shutdownNow();
      for (DeviceClient c : clients) {
        c.close();
      }
    }
  }
}
