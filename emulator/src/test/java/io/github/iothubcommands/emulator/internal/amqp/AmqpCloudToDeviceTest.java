package io.github.iothubcommands.emulator.internal.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubDeviceMaximumQueueDepthExceededException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubMessageTooLargeException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubUnauthorizedException;
import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackRecord;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackStatusCode;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import io.github.iothubcommands.MethodResponse;
import io.github.iothubcommands.spi.MethodInvocation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** C2D messages and feedback through the AMQPS server, with the real service and device SDK clients. */
@Timeout(30)
class AmqpCloudToDeviceTest {
  @AutoClose private AmqpTestHub hub;

  @Test
  void deviceCompletesRejectsAndAbandonsAndFeedbackNamesEachOriginalMessage() throws Exception {
    hub = new AmqpTestHub(AmqpTestHub.FAST_FEEDBACK, "d1");
    BlockingQueue<FeedbackRecord> feedback = hub.completingFeedbackClient();
    BlockingQueue<com.microsoft.azure.sdk.iot.device.Message> received = new LinkedBlockingQueue<>();
    Map<String, Integer> deliveries = new ConcurrentHashMap<>();
    DeviceClient device = hub.deviceClient("d1");
    device.setMessageCallback((msg, ctx) -> {
      received.add(msg);
      int n = deliveries.merge(msg.getMessageId(), 1, Integer::sum);
      return switch (msg.getProperty("want")) {
        case "reject" -> IotHubMessageResult.REJECT;
        case "abandon-once" -> n == 1 ? IotHubMessageResult.ABANDON : IotHubMessageResult.COMPLETE;
        default -> IotHubMessageResult.COMPLETE;
      };
    }, null);
    device.open(false);
    MessagingClient service = hub.messagingClient();

    service.send("d1", c2d("m-complete", "complete"));
    service.send("d1", c2d("m-reject", "reject"));
    service.send("d1", c2d("m-abandon", "abandon-once"));

    com.microsoft.azure.sdk.iot.device.Message first = received.poll(10, TimeUnit.SECONDS);
    assertThat(first).isNotNull();
    assertThat(first.getMessageId()).isEqualTo("m-complete");
    assertThat(first.getProperty("want")).isEqualTo("complete");
    assertThat(new String(first.getBytes(), StandardCharsets.UTF_8)).isEqualTo("payload m-complete");
    List<FeedbackRecord> records = poll(feedback, 3);
    assertThat(records).extracting(r -> r.getOriginalMessageId() + "=" + r.getStatusCode()).containsExactly(
        "m-complete=" + FeedbackStatusCode.success,
        "m-reject=" + FeedbackStatusCode.rejected,
        "m-abandon=" + FeedbackStatusCode.success);
    assertThat(records).allSatisfy(r -> assertThat(r.getDeviceId()).isEqualTo("d1"));
    assertThat(records.get(0).getDeviceGenerationId()).isEqualTo(hub.engine.device("d1").orElseThrow().generationId());
    assertThat(deliveries).containsExactlyInAnyOrderEntriesOf(Map.of("m-complete", 1, "m-reject", 1, "m-abandon", 2));
    assertThat(hub.engine.device("d1").orElseThrow().cloudToDeviceMessageCount()).isZero();
  }

  @Test
  void expiredMessageYieldsExpiredFeedback() throws Exception {
    hub = new AmqpTestHub(AmqpTestHub.FAST_FEEDBACK, "offline");
    BlockingQueue<FeedbackRecord> feedback = hub.completingFeedbackClient();
    Message m = c2d("m-short", "complete");
    m.setExpiryTimeUtc(Date.from(Instant.now().plusMillis(300)));
    hub.messagingClient().send("offline", m);

    FeedbackRecord r = feedback.poll(10, TimeUnit.SECONDS);
    assertThat(r).isNotNull();
    assertThat(r.getOriginalMessageId()).isEqualTo("m-short");
    assertThat(r.getStatusCode()).isEqualTo(FeedbackStatusCode.expired);
    assertThat(hub.engine.device("offline").orElseThrow().cloudToDeviceMessageCount()).isZero();
  }

  @Test
  void feedbackWaitsForAReceiverAndAnAbandonedBatchComesAgain() throws Exception {
    hub = new AmqpTestHub(AmqpTestHub.FAST_FEEDBACK, "offline");
    Message m = c2d("m-early", "complete");
    m.setExpiryTimeUtc(Date.from(Instant.now().plusMillis(100)));
    hub.messagingClient().send("offline", m);
    Thread.sleep(500); // expired, and its batch emitted while no feedback receiver is attached

    BlockingQueue<List<FeedbackRecord>> batches = new LinkedBlockingQueue<>();
    AtomicInteger calls = new AtomicInteger();
    hub.feedbackClient(batch -> {
      batches.add(batch.getRecords());
      return calls.incrementAndGet() == 1 ? AcknowledgementType.ABANDON : AcknowledgementType.COMPLETE;
    });

    List<List<FeedbackRecord>> both = poll(batches, 2);
    assertThat(both).allSatisfy(records -> assertThat(records).singleElement()
        .extracting(FeedbackRecord::getOriginalMessageId).isEqualTo("m-early"));
    assertThat(batches.poll(500, TimeUnit.MILLISECONDS)).as("a completed batch is not sent again").isNull();
  }

  @Test
  void aBatchTheClientKeepsAbandoningIsDroppedAfterTheEnginesMaximumFeedbackDeliveryCount() throws Exception {
    hub = new AmqpTestHub(AmqpTestHub.FAST_FEEDBACK.toBuilder().maxFeedbackDeliveryCount(3).build(), "offline");
    BlockingQueue<List<FeedbackRecord>> batches = new LinkedBlockingQueue<>();
    hub.feedbackClient(batch -> {
      batches.add(batch.getRecords());
      return AcknowledgementType.ABANDON;
    });
    Message m = c2d("m-doomed", "complete");
    m.setExpiryTimeUtc(Date.from(Instant.now().plusMillis(100)));
    hub.messagingClient().send("offline", m);

    assertThat(poll(batches, 3)).allSatisfy(records -> assertThat(records).singleElement()
        .extracting(FeedbackRecord::getOriginalMessageId).isEqualTo("m-doomed"));
    assertThat(batches.poll(1, TimeUnit.SECONDS)).as("dropped after its third delivery").isNull();
  }

  @Test
  void fiftyFirstQueuedMessageIsRefusedWithTheQueueDepthException() throws Exception {
    hub = new AmqpTestHub(AmqpTestHub.FAST_FEEDBACK, "offline");
    MessagingClient service = hub.messagingClient();
    CountDownLatch sent = new CountDownLatch(50);
    AtomicInteger failures = new AtomicInteger();
    for (int i = 0; i < 50; i++) {
      service.sendAsync("offline", c2d("q-" + i, "complete"), result -> {
        if (!result.wasSentSuccessfully()) {
          failures.incrementAndGet();
        }
        sent.countDown();
      }, null);
    }
    assertThat(sent.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(failures).hasValue(0);

    assertThatThrownBy(() -> service.send("offline", c2d("q-50", "complete")))
        .isInstanceOf(IotHubDeviceMaximumQueueDepthExceededException.class)
        .hasMessageContaining("403004");
    assertThat(hub.engine.device("offline").orElseThrow().cloudToDeviceMessageCount()).isEqualTo(50);
    // the link survives refusals, and the other refusals map to their exceptions
    assertThatThrownBy(() -> service.send("nobody", c2d("x", "complete")))
        .isInstanceOf(IotHubNotFoundException.class);
    assertThatThrownBy(() -> service.send("offline", new Message(new byte[70 * 1024])))
        .isInstanceOf(IotHubMessageTooLargeException.class);
  }

  @Test
  void wrongServiceKeyIsRefusedAsUnauthorized() throws Exception {
    hub = new AmqpTestHub(AmqpTestHub.FAST_FEEDBACK, "d1");
    String wrongKey = AmqpTestHub.newKey();
    MessagingClient client = hub.messagingClientSignedWith(wrongKey);
    // not closed: after a failed open() the SDK's close() waits out its 5 s timeout
    assertThatThrownBy(client::open)
        .isInstanceOf(IotHubUnauthorizedException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrongKey));
  }

  @Test
  void wrongDeviceKeyIsRefusedAsUnauthorized() throws Exception {
    hub = new AmqpTestHub(AmqpTestHub.FAST_FEEDBACK, "d1");
    DeviceClient device = hub.deviceClientSignedWith("d1", AmqpTestHub.newKey());
    assertThatThrownBy(() -> device.open(false))
        .isInstanceOfSatisfying(IotHubClientException.class,
            e -> assertThat(e.getStatusCode()).isEqualTo(IotHubStatusCode.UNAUTHORIZED));
    assertThat(hub.engine.device("d1").orElseThrow().connected()).isFalse();
  }

  @Test
  void directMethodReachesADeviceOverAmqpAndItsReplyComesBack() throws Exception {
    hub = new AmqpTestHub(AmqpTestHub.FAST_FEEDBACK, "d1");
    DeviceClient device = hub.deviceClient("d1");
    device.open(false);
    device.subscribeToMethods((name, payload, ctx) ->
        new DirectMethodResponse(201, Map.of("method", name, "got", payload.getPayloadAsJsonString())), null);

    MethodResponse response = hub.engine.invoke(MethodInvocation.builder().deviceId("d1").methodName("reboot")
        .payloadJson("{\"delay\":1}").connectTimeout(Duration.ofSeconds(10)).responseTimeout(Duration.ofSeconds(10))
        .build()).get(15, TimeUnit.SECONDS);

    assertThat(response.status()).isEqualTo(201);
    assertThat(response.payloadJson()).contains("\"method\":\"reboot\"").contains("delay");
  }

  @Test
  void deletingAConnectedDeviceDropsItsAmqpLinks() throws Exception {
    hub = new AmqpTestHub(AmqpTestHub.FAST_FEEDBACK, "d1");
    BlockingQueue<IotHubConnectionStatus> statuses = new LinkedBlockingQueue<>();
    DeviceClient device = hub.deviceClient("d1");
    device.setConnectionStatusChangeCallback(c -> statuses.add(c.getNewStatus()), null);
    device.open(false);
    assertThat(statuses.poll(5, TimeUnit.SECONDS)).isEqualTo(IotHubConnectionStatus.CONNECTED);

    hub.engine.removeDevice("d1");

    assertThat(statuses.poll(10, TimeUnit.SECONDS)).isIn(IotHubConnectionStatus.DISCONNECTED_RETRYING,
        IotHubConnectionStatus.DISCONNECTED);
  }

  static Message c2d(String id, String want) {
    Message m = new Message(("payload " + id).getBytes(StandardCharsets.UTF_8));
    m.setMessageId(id);
    m.setDeliveryAcknowledgement(DeliveryAcknowledgement.Full);
    m.getProperties().put("want", want);
    return m;
  }

  static <T> List<T> poll(BlockingQueue<T> queue, int n) throws InterruptedException {
    List<T> out = new ArrayList<>();
    while (out.size() < n) {
      T t = queue.poll(10, TimeUnit.SECONDS);
      assertThat(t).as("item %d of %d", out.size() + 1, n).isNotNull();
      out.add(t);
    }
    return out;
  }
}
