package io.github.iothubcommands.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import com.microsoft.azure.sdk.iot.device.transport.RetryDecision;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubTooManyRequestsException;
import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackRecord;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackStatusCode;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClientOptions;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import io.github.iothubcommands.engine.HubCounts;
import io.github.iothubcommands.engine.HubOperation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each admin operation's effect, seen by the real SDK clients (service 2.1.9, device 2.5.0) against one
 * emulator on a virtual clock: a cut connection the device SDK reports and recovers from over MQTT and
 * AMQPS, expiry on an advanced clock, injected throttling and lost feedback, a purge.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AdminSdkTest {
  static IotHubEmulator hub;
  static MessagingClient messaging;
  static MessageFeedbackProcessorClient feedbackClient;
  static final BlockingQueue<FeedbackRecord> feedback = new LinkedBlockingQueue<>();
  private final List<DeviceClient> devices = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    // the SDKs dial 8883 and 5671: a free loopback address of its own
    hub = IotHubEmulator.builder().bindAnyFreeLoopbackAddress().httpsPort(0)
        .devices("mqtt-dev", "amqp-dev", "queue-dev").virtualTime().start();
    HttpsURLConnection.setDefaultSSLSocketFactory(hub.sslContext().getSocketFactory());
    messaging = new MessagingClient(hub.serviceConnectionString(), IotHubServiceClientProtocol.AMQPS,
        MessagingClientOptions.builder().sslContext(hub.sslContext()).build());
    messaging.open();
    feedbackClient = new MessageFeedbackProcessorClient(hub.serviceHost(),
        new AzureSasCredential(hub.serviceSasToken()), IotHubServiceClientProtocol.AMQPS, batch -> {
          feedback.addAll(batch.getRecords());
          return AcknowledgementType.COMPLETE;
        }, MessageFeedbackProcessorClientOptions.builder().sslContext(hub.sslContext()).build());
    feedbackClient.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (feedbackClient != null) {
      feedbackClient.stop();
    }
    if (messaging != null) {
      messaging.close();
    }
    if (hub != null) {
      hub.close();
    }
  }

  @BeforeEach
  void drain() {
    feedback.clear();
  }

  @AfterEach
  void closeDevices() {
    hub.admin().clearFaults();
    devices.forEach(DeviceClient::close);
  }

  private static DirectMethodsClient methods() {
    return new DirectMethodsClient(hub.httpsHost(), new AzureSasCredential(hub.serviceSasToken()));
  }

  /** A device client that retries a lost connection after 500 ms, so the test sees it offline first. */
  private DeviceClient device(String id, IotHubClientProtocol protocol, BlockingQueue<IotHubConnectionStatus> s)
      throws Exception {
    DeviceClient client = new DeviceClient(hub.deviceConnectionString(id), protocol,
        ClientOptions.builder().sslContext(hub.sslContext()).build());
    client.setRetryPolicy((attempt, cause) -> new RetryDecision(true, 500));
    client.setConnectionStatusChangeCallback(c -> s.add(c.getNewStatus()), null);
    devices.add(client);
    client.open(true);
    client.subscribeToMethods((name, payload, ctx) -> new DirectMethodResponse(200, name), null);
    return client;
  }

  private static void awaitStatus(BlockingQueue<IotHubConnectionStatus> statuses, IotHubConnectionStatus want)
      throws InterruptedException {
    for (IotHubConnectionStatus s = statuses.poll(20, TimeUnit.SECONDS); s != want;
        s = statuses.poll(20, TimeUnit.SECONDS)) {
      assertThat(s).as("connection status while waiting for %s", want).isNotNull()
          .isNotEqualTo(IotHubConnectionStatus.DISCONNECTED); // DISCONNECTED means the SDK gave up
    }
  }

  private void cutAndRecover(String id, IotHubClientProtocol protocol) throws Exception {
    cutAndReconnect(id, protocol);
    com.microsoft.azure.sdk.iot.service.methods.DirectMethodResponse answer = methods().invoke(id, "ping",
        DirectMethodRequestOptions.builder().payload("{}").methodConnectTimeoutSeconds(20)
            .methodResponseTimeoutSeconds(10).build());
    assertThat(answer.getStatus()).isEqualTo(200);
    assertThat(answer.getPayloadAsJsonString()).isEqualTo("\"ping\"");
  }

  private void cutAndReconnect(String id, IotHubClientProtocol protocol) throws Exception {
    BlockingQueue<IotHubConnectionStatus> statuses = new LinkedBlockingQueue<>();
    device(id, protocol, statuses);
    awaitStatus(statuses, IotHubConnectionStatus.CONNECTED);
    long connections = hub.admin().counts().connections();

    assertThat(hub.admin().disconnectDevice(id)).isEqualTo(1);

    assertThat(hub.engine().device(id).orElseThrow().connected()).as("offline once the cut returns").isFalse();
    awaitStatus(statuses, IotHubConnectionStatus.DISCONNECTED_RETRYING);
    awaitStatus(statuses, IotHubConnectionStatus.CONNECTED);
    assertThat(hub.admin().counts().connections()).isGreaterThan(connections);
    assertThat(hub.engine().device(id).orElseThrow().connected()).as("online again").isTrue();
  }

  @Test
  void aCutMqttConnectionIsReportedRetryingByTheDeviceSdkWhichReconnectsByItselfAndAnswersMethodsAgain()
      throws Exception {
    // The SDK reconnects with cleanSession=false and does not subscribe again: its kept session brings the
    // method subscription back (before kept sessions this call failed with 404103).
    cutAndRecover("mqtt-dev", IotHubClientProtocol.MQTT);
  }

  @Test
  void aCutAmqpsConnectionIsReportedRetryingByTheDeviceSdkWhichReconnectsByItselfAndAnswersMethodsAgain()
      throws Exception {
    cutAndRecover("amqp-dev", IotHubClientProtocol.AMQPS);
  }

  private static Message message(String id, Duration ttl) {
    Message m = new Message("{\"id\":\"" + id + "\"}");
    m.setMessageId(id);
    m.setDeliveryAcknowledgement(DeliveryAcknowledgement.Full);
    m.setExpiryTimeUtc(Date.from(hub.admin().clock().plus(ttl)));
    return m;
  }

  /**
   * The feedback records for these messages, in arrival order, once each has one; records of earlier tests'
   * messages (flushed by this test's advance) are skipped.
   */
  private static List<FeedbackRecord> feedbackFor(String... messageIds) throws InterruptedException {
    List<String> wanted = List.of(messageIds);
    List<FeedbackRecord> got = new ArrayList<>();
    while (got.size() < wanted.size()) {
      FeedbackRecord r = feedback.poll(20, TimeUnit.SECONDS);
      assertThat(r).as("feedback for %s", wanted).isNotNull();
      if (wanted.contains(r.getOriginalMessageId()) || r.getOriginalMessageId().equals("lost-1")) {
        got.add(r);
      }
    }
    return got;
  }

  @Test
  void advancingTheVirtualClockPastAMessagesTtlExpiresItWithFeedbackToTheSdk() throws Exception {
    HubCounts before = hub.admin().counts();
    messaging.send("queue-dev", message("ttl-1", Duration.ofSeconds(5)));
    assertThat(hub.engine().device("queue-dev").orElseThrow().cloudToDeviceMessageCount()).isEqualTo(1);

    hub.admin().advanceClock(Duration.ofSeconds(20)); // past the TTL and the 15 s feedback batch

    List<FeedbackRecord> got = feedbackFor("ttl-1");
    assertThat(got.get(0).getOriginalMessageId()).isEqualTo("ttl-1");
    assertThat(got.get(0).getStatusCode()).isEqualTo(FeedbackStatusCode.expired);
    assertThat(hub.engine().device("queue-dev").orElseThrow().cloudToDeviceMessageCount()).isZero();
    assertThat(hub.admin().counts().cloudToDeviceExpired()).isEqualTo(before.cloudToDeviceExpired() + 1);
  }

  @Test
  void droppedFeedbackNeverReachesTheSdkButTheNextRecordDoes() throws Exception {
    hub.admin().dropNextFeedback(1);
    messaging.send("queue-dev", message("lost-1", Duration.ofSeconds(5)));
    messaging.send("queue-dev", message("kept-2", Duration.ofSeconds(5)));
    hub.admin().advanceClock(Duration.ofSeconds(20));

    assertThat(feedbackFor("kept-2")).extracting(FeedbackRecord::getOriginalMessageId).containsExactly("kept-2");
    hub.engine().flushFeedback();
    assertThat(feedback.poll(1, TimeUnit.SECONDS)).as("lost-1 never arrives").isNull();
    assertThat(hub.admin().faults().isEmpty()).isTrue();
  }

  @Test
  void aPurgedQueueGivesPurgedFeedbackToTheSdk() throws Exception {
    messaging.send("queue-dev", message("purge-1", Duration.ofMinutes(10)));
    messaging.send("queue-dev", message("purge-2", Duration.ofMinutes(10)));
    assertThat(AdminHttpsTest.call(hub, "DELETE", "/admin/devices/queue-dev/messages", null,
        hub.serviceSasToken()).body().path("totalMessagesPurged").asInt()).isEqualTo(2);
    hub.admin().advanceClock(Duration.ofSeconds(20));
    // 2.1.9 has no code for the hub's "Purged" status: it reads it as unknown, with the hub's description
    assertThat(feedbackFor("purge-1", "purge-2")).allSatisfy(r -> {
      assertThat(r.getStatusCode()).isEqualTo(FeedbackStatusCode.unknown);
      assertThat(r.getDescription()).containsIgnoringCase("purged");
    })
        .extracting(FeedbackRecord::getOriginalMessageId).containsExactlyInAnyOrder("purge-1", "purge-2");
  }

  @Test
  void anInjectedMethodThrottleIsTheSdksTooManyRequestsExceptionForThatManyCalls() throws Exception {
    AdminHttpsTest.Answer armed = AdminHttpsTest.call(hub, "POST", "/admin/faults/throttle",
        "{\"operation\":\"directMethod\",\"count\":1}", hub.serviceSasToken());
    assertThat(armed.status()).isEqualTo(200);
    long throttled = hub.admin().counts().throttled();
    DirectMethodRequestOptions offline = DirectMethodRequestOptions.builder().payload("{}")
        .methodConnectTimeoutSeconds(0).methodResponseTimeoutSeconds(5).build();

    assertThatThrownBy(() -> methods().invoke("queue-dev", "reboot", offline))
        .isInstanceOfSatisfying(IotHubTooManyRequestsException.class,
            e -> assertThat(e.getErrorCode()).isEqualTo(429001))
        .hasMessageContaining("injected fault");
    assertThatThrownBy(() -> methods().invoke("queue-dev", "reboot", offline)) // through: the device is offline
        .isInstanceOfSatisfying(IotHubNotFoundException.class, e -> assertThat(e.getErrorCode()).isEqualTo(404103));
    assertThat(hub.admin().counts().throttled()).isEqualTo(throttled + 1);
  }

  @Test
  void aSendThrottleForADurationEndsWhenTheVirtualClockPassesIt() throws Exception {
    hub.admin().throttleFor(HubOperation.CLOUD_TO_DEVICE_SEND, Duration.ofSeconds(30));
    assertThatThrownBy(() -> messaging.send("queue-dev", message("t-1", Duration.ofMinutes(10))))
        .isExactlyInstanceOf(IotHubException.class) // 2.1.9 maps no AMQP condition to its 429 exception
        .hasMessageContaining("com.microsoft:device-container-throttled")
        .hasMessageContaining("429001");
    assertThat(messaging.isOpen()).isTrue();

    hub.admin().advanceClock(Duration.ofSeconds(30));

    messaging.send("queue-dev", message("t-2", Duration.ofMinutes(10)));
    assertThat(hub.admin().purgeQueue("queue-dev")).isEqualTo(1);
  }
}
