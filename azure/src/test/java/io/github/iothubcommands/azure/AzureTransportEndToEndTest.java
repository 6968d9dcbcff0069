package io.github.iothubcommands.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.AzureSasCredential;
import com.google.gson.JsonObject;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.CloudToDevice;
import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandHandle;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.DirectMethod;
import io.github.iothubcommands.HubError;
import io.github.iothubcommands.SequencePlan;
import io.github.iothubcommands.SequenceResult;
import io.github.iothubcommands.emulator.IotHubEmulator;
import io.github.iothubcommands.engine.HubLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.HttpsURLConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * CommandClient with the Azure transport (the real service SDK) against the emulator, and devices on the
 * real device SDK over MQTT: the path a production application takes, on loopback.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AzureTransportEndToEndTest {
  static IotHubEmulator hub;
  static AzureHubTransport transport;
  static CommandClient client;

  @BeforeAll
  static void start() {
    hub = IotHubEmulator.builder().hubName("azure-e2e")
        .devices("thermostat", "offline", "full", "lamp", "gateway", "sleeper", "purged", "mute")
        .limits(HubLimits.custom().feedbackBatchInterval(Duration.ofMillis(200)).build())
        .start();
    // The service SDK's HTTPS client takes no SSLContext: the JVM default must trust the emulator.
    HttpsURLConnection.setDefaultSSLSocketFactory(hub.sslContext().getSocketFactory());
    transport = AzureHubTransport.builder()
        .credential(hub.httpsHost(), new AzureSasCredential(hub.serviceSasToken()))
        .sslContext(hub.sslContext())
        .build();
    client = CommandClient.builder().transport(transport).feedbackWindow(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (hub != null) {
      hub.close();
    }
  }

  static DeviceClient device(String id) throws Exception {
    DeviceClient d = new DeviceClient(hub.deviceConnectionString(id), IotHubClientProtocol.MQTT,
        ClientOptions.builder().sslContext(hub.sslContext()).build());
    return d;
  }

  @Test
  void aDirectMethodReachesTheDeviceSdkAndReturnsItsReply() throws Exception {
    DeviceClient device = device("thermostat");
    try {
      device.open(false);
      device.subscribeToMethods((name, payload, ctx) -> {
        JsonObject reply = new JsonObject();
        reply.addProperty("method", name);
        reply.add("echo", payload.getPayloadAsJsonElement());
        return new DirectMethodResponse(200, reply);
      }, null);
      CommandOutcome o = client.send("thermostat", Command.named("setTarget").jsonPayload(Map.of("celsius", 21))
          .build(), DirectMethod.custom().responseTimeout(Duration.ofSeconds(10)).build());
      assertThat(o.status()).isEqualTo(CommandStatus.SUCCEEDED);
      assertThat(o.methodResponse().orElseThrow().payload().get("method").asText()).isEqualTo("setTarget");
      assertThat(o.methodResponse().orElseThrow().payload().get("echo").get("celsius").asInt()).isEqualTo(21);
    } finally {
      device.close();
    }
  }

  @Test
  void anOfflineDeviceFailsFastWith404103() {
    CommandOutcome o = client.send("offline", Command.named("reboot").build(), DeliveryStrategy.directMethod());
    assertThat(o.status()).isEqualTo(CommandStatus.DEVICE_OFFLINE);
    assertThat(o.hubError()).contains(HubError.DEVICE_NOT_ONLINE);
  }

  @Test
  void aMethodWaitsForTheDeviceToConnectWithinTheConnectTimeout() throws Exception {
    DeviceClient device = device("gateway");
    try {
      CommandHandle h = client.sendAsync("gateway", Command.named("ping").build(),
          DirectMethod.custom().connectTimeout(Duration.ofSeconds(30)).build());
      device.open(false);
      device.subscribeToMethods((name, payload, ctx) -> new DirectMethodResponse(200, "pong"), null);
      CommandOutcome o = h.outcome().get(60, TimeUnit.SECONDS);
      assertThat(o.status()).isEqualTo(CommandStatus.SUCCEEDED);
      assertThat(o.methodResponse().orElseThrow().payloadJson()).isEqualTo("\"pong\"");
    } finally {
      device.close();
    }
  }

  @Test
  void cloudToDeviceMessagesAreCorrelatedToTheirFeedbackUnderEachAcknowledgement() throws Exception {
    BlockingQueue<String> received = new LinkedBlockingQueue<>();
    DeviceClient device = device("lamp");
    device.setMessageCallback((m, ctx) -> {
      received.add(m.getMessageId() + " " + m.getProperty(Command.NAME_PROPERTY));
      return IotHubMessageResult.COMPLETE;
    }, null);
    try {
      device.open(false);
      List<CommandHandle> handles = new ArrayList<>();
      for (Acknowledgement ack : Acknowledgement.values()) {
        handles.add(client.sendAsync("lamp", Command.named("on").id("on-" + ack).build(),
            CloudToDevice.custom().acknowledgement(ack).timeToLive(Duration.ofSeconds(5)).build()));
      }
      Map<Acknowledgement, CommandOutcome> outcomes = new java.util.EnumMap<>(Acknowledgement.class);
      for (int i = 0; i < handles.size(); i++) {
        outcomes.put(Acknowledgement.values()[i], handles.get(i).outcome().get(60, TimeUnit.SECONDS));
      }
      assertThat(outcomes.get(Acknowledgement.NONE).status()).isEqualTo(CommandStatus.ACCEPTED);
      assertThat(outcomes.get(Acknowledgement.FULL).status()).isEqualTo(CommandStatus.DELIVERED);
      assertThat(outcomes.get(Acknowledgement.FULL).inferred()).isFalse();
      assertThat(outcomes.get(Acknowledgement.POSITIVE).status()).isEqualTo(CommandStatus.DELIVERED);
      assertThat(outcomes.get(Acknowledgement.POSITIVE).inferred()).isFalse();
      // negative: no failure feedback comes, so delivery is inferred at expiry + feedback window
      assertThat(outcomes.get(Acknowledgement.NEGATIVE).status()).isEqualTo(CommandStatus.DELIVERED);
      assertThat(outcomes.get(Acknowledgement.NEGATIVE).inferred()).isTrue();
      Set<String> seen = received.stream().collect(Collectors.toSet());
      assertThat(seen).contains("on-FULL on", "on-NONE on");
    } finally {
      device.close();
    }
  }

  @Test
  void theFiftyFirstMessageToAnOfflineDeviceIsRefusedWithQueueDepthExceeded() {
    for (int i = 0; i < 50; i++) {
      CommandOutcome o = client.send("full", Command.named("x").build(),
          CloudToDevice.custom().acknowledgement(Acknowledgement.NONE).build());
      assertThat(o.status()).isEqualTo(CommandStatus.ACCEPTED);
    }
    CommandOutcome refused = client.send("full", Command.named("x").build(), DeliveryStrategy.cloudToDevice());
    assertThat(refused.status()).isEqualTo(CommandStatus.FAILED);
    assertThat(refused.hubError()).contains(HubError.QUEUE_DEPTH_EXCEEDED);
    hub.engine().purge("full");
  }

  @Test
  void aSequencePlanRunsOverTheRealPath() throws Exception {
    DeviceClient device = device("gateway");
    List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
    device.setMessageCallback((m, ctx) -> {
      order.add("c2d:" + m.getProperty(Command.NAME_PROPERTY));
      return IotHubMessageResult.COMPLETE;
    }, null);
    try {
      device.open(false);
      device.subscribeToMethods((name, payload, ctx) -> {
        order.add("method:" + name);
        return new DirectMethodResponse(200, null);
      }, null);
      SequenceResult r = client.run(SequencePlan.forDevice("gateway")
          .then(Command.named("download").build(), DeliveryStrategy.cloudToDevice())
          .then(Command.named("install").build(), DeliveryStrategy.directMethod())
          .then(Command.named("reboot").build(), DeliveryStrategy.directMethod())
          .build());
      assertThat(r.succeeded()).isTrue();
      assertThat(order).containsExactly("c2d:download", "method:install", "method:reboot");
    } finally {
      device.close();
    }
  }

  @Test
  void closeStopsEveryThreadTheTransportAndTheSdkStarted() throws Exception {
    long started = System.nanoTime();
    while (!transport.isFeedbackRunning() && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(20)) {
      Thread.sleep(50); // the shared client's receiver starts in the background: its thread is not ours
    }
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    AzureHubTransport own = AzureHubTransport.builder()
        .credential(hub.httpsHost(), new AzureSasCredential(hub.serviceSasToken())).sslContext(hub.sslContext())
        .build();
    try (CommandClient c = CommandClient.builder().transport(own).build()) {
      assertThat(c.send("offline", Command.named("x").build(), CloudToDevice.custom()
          .acknowledgement(Acknowledgement.NONE).build()).status()).isEqualTo(CommandStatus.ACCEPTED);
      assertThat(c.send("offline", Command.named("y").build(), DeliveryStrategy.directMethod()).status())
          .isEqualTo(CommandStatus.DEVICE_OFFLINE);
      assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().startsWith("iothub-commands-azure"));
    }
    hub.engine().purge("offline");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    List<String> left;
    do {
      left = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.isAlive() && !before.contains(t))
          .map(Thread::getName)
          // the emulator's own event loops, the JVM-wide TimeSource.system() timer the emulator uses, the
          // JDK's HTTP keep-alive cache (one daemon per JVM, gone after its idle time)
          .filter(name -> !name.startsWith("ForkJoinPool.commonPool") && !name.startsWith("emulator-")
              && !name.equals("iothub-commands-timer") && !name.equals("Keep-Alive-Timer"))
          .toList();
      if (!left.isEmpty()) {
        Thread.sleep(100); // threads wind down asynchronously after close() returns
      }
    } while (!left.isEmpty() && System.nanoTime() < deadline);
    assertThat(left).as("threads started by the transport or the SDK and still alive after close").isEmpty();
  }

  @Test
  void aMessageToADeviceThatStaysOfflineExpiresAndItsExpiredFeedbackArrives() throws Exception {
    CommandOutcome o = client.sendAsync("sleeper", Command.named("wake").build(),
        CloudToDevice.custom().timeToLive(Duration.ofSeconds(1)).build()).outcome().get(30, TimeUnit.SECONDS);
    assertThat(o.status()).isEqualTo(CommandStatus.EXPIRED);
    assertThat(o.inferred()).isFalse();
  }

  @Test
  void aPurgedQueueReportsPurgedThroughTheSdksFeedbackClient() throws Exception {
    CommandHandle h = client.sendAsync("purged", Command.named("x").build(), DeliveryStrategy.cloudToDevice());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (h.status() == CommandStatus.QUEUED && System.nanoTime() < deadline) {
      Thread.sleep(20); // the hub has it once the send is acknowledged
    }
    assertThat(hub.engine().purge("purged")).isEqualTo(1);
    CommandOutcome o = h.outcome().get(30, TimeUnit.SECONDS);
    assertThat(o.status()).isEqualTo(CommandStatus.PURGED); // the SDK's enum has no purged: read from unknown
  }

  @Test
  void aDeviceThatDoesNotAnswerWithinTheResponseTimeoutTimesOutWith504() throws Exception {
    DeviceClient device = device("mute");
    try {
      device.open(false);
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      device.subscribeToMethods((name, payload, ctx) -> {
        try {
          release.await(20, TimeUnit.SECONDS); // answers only after the hub has given up
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return new DirectMethodResponse(200, null);
      }, null);
      CommandOutcome o = client.send("mute", Command.named("slow").build(),
          DirectMethod.custom().responseTimeout(Duration.ofSeconds(5)).build());
      release.countDown();
      assertThat(o.status()).isEqualTo(CommandStatus.TIMED_OUT);
      assertThat(o.hubError()).contains(HubError.GATEWAY_TIMEOUT);
    } finally {
      device.close();
    }
  }
}
