package io.github.iothubcommands.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.HubError;
import io.github.iothubcommands.HubException;
import io.github.iothubcommands.MethodResponse;
import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.FeedbackRecord;
import io.github.iothubcommands.spi.FeedbackReceiver;
import io.github.iothubcommands.spi.FeedbackStatus;
import io.github.iothubcommands.spi.MethodInvocation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The hub semantics table, row by row, on the engine with a hand-driven device. */
@Timeout(10)
class HubEngineTest {
  private final VirtualTime time = new VirtualTime();
  private final HubEngine engine = new HubEngine(HubLimits.ofDefaults(), time);
  private final List<FeedbackRecord> feedback = new CopyOnWriteArrayList<>();
  private final List<List<FeedbackRecord>> batches = new CopyOnWriteArrayList<>();
  private final ManualDevice device = new ManualDevice();

  HubEngineTest() {
    engine.registerDevice("d1", null, null);
    engine.subscribeFeedback(FeedbackReceiver.taking(batch -> {
      batches.add(batch);
      feedback.addAll(batch);
    }));
  }

  private CloudToDeviceMessage message(String id, Duration ttl, Acknowledgement ack) {
    return CloudToDeviceMessage.builder().deviceId("d1").messageId(id)
        .payload("{}".getBytes(StandardCharsets.UTF_8), "application/json").properties(Map.of())
        .acknowledgement(ack).expiryTime(time.now().plus(ttl)).build();
  }

  private CloudToDeviceMessage message(String id) {
    return message(id, Duration.ofHours(1), Acknowledgement.FULL);
  }

  private DeviceSession connect() {
    DeviceSession s = engine.connect("d1", device);
    s.subscribeMessages();
    s.subscribeMethods();
    return s;
  }

  private List<String> statuses() {
    return feedback.stream().map(r -> r.originalMessageId() + ":" + r.status().wireValue()).toList();
  }

  @Test
  void deliversPerDeviceFifoOneAtATime() {
    engine.enqueue(message("m1"));
    engine.enqueue(message("m2"));
    engine.enqueue(message("m3"));
    DeviceSession s = connect();
    assertThat(device.messageIds()).containsExactly("m1");
    s.complete(device.last().lockToken());
    s.complete(device.last().lockToken());
    assertThat(device.messageIds()).containsExactly("m1", "m2", "m3");
  }

  @Test
  void the51stMessageIsRefusedWithQueueDepthExceeded() {
    for (int i = 0; i < 50; i++) {
      engine.enqueue(message("m" + i));
    }
    assertThatThrownBy(() -> engine.enqueue(message("m50")))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.error()).isEqualTo(HubError.QUEUE_DEPTH_EXCEEDED))
        .hasMessageContaining("403004");
    assertThat(engine.device("d1").orElseThrow().cloudToDeviceMessageCount()).isEqualTo(50);
  }

  @Test
  void lockedMessagesCountTowardsTheDepth() {
    DeviceSession s = connect();
    for (int i = 0; i < 50; i++) {
      engine.enqueue(message("m" + i));
    }
    assertThatThrownBy(() -> engine.enqueue(message("m50"))).isInstanceOf(HubException.class);
    s.complete(device.last().lockToken());
    engine.enqueue(message("m50"));
  }

  @Test
  void unknownDeviceAndOversizedMessagesAreRefused() {
    CloudToDeviceMessage unknown = CloudToDeviceMessage.builder().deviceId("ghost").messageId("m")
        .payload(new byte[0], "x").properties(Map.of()).acknowledgement(Acknowledgement.FULL).expiryTime(time.now()
        .plusSeconds(60)).build();
    assertThatThrownBy(() -> engine.enqueue(unknown))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.error()).isEqualTo(HubError.DEVICE_NOT_FOUND));
    CloudToDeviceMessage big = CloudToDeviceMessage.builder().deviceId("d1").messageId("m")
        .payload(new byte[64 * 1024], "x").properties(Map.of("k", "v")).acknowledgement(Acknowledgement.FULL)
        .expiryTime(time.now().plusSeconds(60)).build();
    assertThatThrownBy(() -> engine.enqueue(big))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.error()).isEqualTo(HubError.MESSAGE_TOO_LARGE));
  }

  @Test
  void expiredMessagesLeaveTheQueueWithExpiredFeedback() {
    engine.enqueue(message("m1", Duration.ofMinutes(10), Acknowledgement.FULL));
    time.advance(Duration.ofMinutes(10));
    assertThat(engine.device("d1").orElseThrow().cloudToDeviceMessageCount()).isZero();
    engine.flushFeedback();
    assertThat(statuses()).containsExactly("m1:Expired");
    connect();
    assertThat(device.delivered).isEmpty();
  }

  @Test
  void lockExpiryRequeuesAtTheHeadAndCountsADelivery() {
    engine.enqueue(message("m1"));
    engine.enqueue(message("m2"));
    connect();
    time.advance(Duration.ofSeconds(59));
    assertThat(device.delivered).hasSize(1);
    time.advance(Duration.ofSeconds(1));
    assertThat(device.messageIds()).containsExactly("m1", "m1");
    assertThat(device.last().deliveryCount()).isEqualTo(2);
  }

  @Test
  void abandonRequeuesRejectDropsWithFeedback() {
    engine.enqueue(message("m1"));
    engine.enqueue(message("m2"));
    DeviceSession s = connect();
    assertThat(s.abandon(device.last().lockToken())).isTrue();
    assertThat(device.messageIds()).containsExactly("m1", "m1");
    assertThat(s.reject(device.last().lockToken())).isTrue();
    assertThat(s.complete(device.last().lockToken())).isTrue();
    engine.flushFeedback();
    assertThat(statuses()).containsExactly("m1:Rejected", "m2:Success");
  }

  @Test
  void settlingWithAStaleLockTokenFails() {
    engine.enqueue(message("m1"));
    DeviceSession s = connect();
    String token = device.last().lockToken();
    time.advance(Duration.ofMinutes(1)); // lock expires, message redelivered with a new token
    assertThat(s.complete(token)).isFalse();
    assertThat(s.complete(device.last().lockToken())).isTrue();
  }

  @Test
  void tenthAbandonDeadLettersWithDeliveryCountExceeded() {
    engine.enqueue(message("m1"));
    DeviceSession s = connect();
    for (int i = 1; i <= 10; i++) {
      assertThat(device.last().deliveryCount()).isEqualTo(i);
      s.abandon(device.last().lockToken());
    }
    assertThat(device.delivered).hasSize(10);
    engine.flushFeedback();
    assertThat(feedback).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(FeedbackStatus.DELIVERY_COUNT_EXCEEDED);
      assertThat(r.originalMessageId()).isEqualTo("m1");
      assertThat(r.deviceId()).isEqualTo("d1");
    });
  }

  @Test
  void feedbackFollowsTheAcknowledgementMode() {
    DeviceSession s = connect();
    String[] ids = {"none-ok", "pos-ok", "neg-ok", "full-ok", "none-rej", "pos-rej", "neg-rej", "full-rej"};
    Acknowledgement[] acks = Acknowledgement.values();
    for (int i = 0; i < 8; i++) {
      engine.enqueue(message(ids[i], Duration.ofHours(1), acks[i % 4]));
      if (i < 4) {
        s.complete(device.last().lockToken());
      } else {
        s.reject(device.last().lockToken());
      }
    }
    engine.flushFeedback();
    assertThat(statuses()).containsExactly("pos-ok:Success", "full-ok:Success", "neg-rej:Rejected", "full-rej:Rejected");
  }

  @Test
  void purgeEmptiesTheQueueWithPurgedFeedback() {
    connect();
    engine.enqueue(message("m1"));
    engine.enqueue(message("m2", Duration.ofHours(1), Acknowledgement.POSITIVE));
    engine.enqueue(message("m3", Duration.ofHours(1), Acknowledgement.NEGATIVE));
    assertThat(engine.purge("d1")).isEqualTo(3);
    engine.flushFeedback();
    assertThat(statuses()).containsExactly("m1:Purged", "m3:Purged");
    assertThat(engine.device("d1").orElseThrow().cloudToDeviceMessageCount()).isZero();
  }

  @Test
  void feedbackIsBatchedBy64RecordsOr15Seconds() {
    engine.registerDevice("d2", null, null);
    for (int i = 0; i < 50; i++) {
      engine.enqueue(message("a" + i, Duration.ofSeconds(1), Acknowledgement.FULL));
      engine.enqueue(CloudToDeviceMessage.builder().deviceId("d2").messageId("b" + i).payload(new byte[0], "x")
          .properties(Map.of()).acknowledgement(Acknowledgement.FULL).expiryTime(time.now().plusSeconds(1))
          .build());
    }
    time.advance(Duration.ofSeconds(1)); // 100 expire at once: one full batch of 64 at once
    assertThat(batches).hasSize(1);
    assertThat(batches.get(0)).hasSize(64);
    time.advance(Duration.ofSeconds(14));
    assertThat(batches).hasSize(1);
    time.advance(Duration.ofSeconds(1)); // the rest after 15 s
    assertThat(batches).hasSize(2);
    assertThat(batches.get(1)).hasSize(36);
  }

  @Test
  void feedbackWaitsForAReceiver() {
    HubEngine e = new HubEngine(HubLimits.ofDefaults(), time);
    e.registerDevice("d1", null, null);
    e.enqueue(message("m1", Duration.ofSeconds(1), Acknowledgement.FULL));
    time.advance(Duration.ofSeconds(20));
    List<FeedbackRecord> late = new ArrayList<>();
    e.subscribeFeedback(FeedbackReceiver.taking(late::addAll));
    assertThat(late).extracting(FeedbackRecord::originalMessageId).containsExactly("m1");
  }

  @Test
  void methodToAConnectedDeviceReturnsItsReply() {
    DeviceSession s = connect();
    CompletableFuture<MethodResponse> r = engine.invoke(call(Duration.ZERO, Duration.ofSeconds(30), "{\"a\":1}"));
    assertThat(device.calls).singleElement().satisfies(c -> {
      assertThat(c.methodName()).isEqualTo("reboot");
      assertThat(c.payloadJson()).isEqualTo("{\"a\":1}");
    });
    s.respond(device.calls.get(0).requestId(), 200, "{\"ok\":true}");
    assertThat(r).isCompletedWithValue(new MethodResponse(200, "{\"ok\":true}"));
  }

  @Test
  void methodToAnOfflineDeviceFailsAtOnceWithZeroConnectTimeout() {
    CompletableFuture<MethodResponse> r = engine.invoke(call(Duration.ZERO, Duration.ofSeconds(30), "null"));
    assertThat(error(r)).isEqualTo(HubError.DEVICE_NOT_ONLINE);
  }

  @Test
  void methodWaitsForTheDeviceUpToTheConnectTimeout() {
    CompletableFuture<MethodResponse> late = engine.invoke(call(Duration.ofSeconds(10), Duration.ofSeconds(30), "1"));
    CompletableFuture<MethodResponse> inTime = engine.invoke(call(Duration.ofSeconds(30), Duration.ofSeconds(30), "2"));
    time.advance(Duration.ofSeconds(10));
    assertThat(error(late)).isEqualTo(HubError.DEVICE_NOT_ONLINE);
    assertThat(inTime).isNotDone();
    DeviceSession s = connect();
    assertThat(device.calls).extracting(MethodRequest::payloadJson).containsExactly("2");
    s.respond(device.calls.get(0).requestId(), 201, "{}");
    assertThat(inTime.join().status()).isEqualTo(201);
  }

  @Test
  void connectedButNotSubscribedCountsAsOffline() {
    engine.connect("d1", device).subscribeMessages();
    assertThat(error(engine.invoke(call(Duration.ZERO, Duration.ofSeconds(30), "1")))).isEqualTo(HubError.DEVICE_NOT_ONLINE);
  }

  @Test
  void unansweredMethodTimesOutWith504() {
    connect();
    CompletableFuture<MethodResponse> r = engine.invoke(call(Duration.ZERO, Duration.ofSeconds(5), "1"));
    time.advance(Duration.ofMillis(4999));
    assertThat(r).isNotDone();
    time.advance(Duration.ofMillis(1));
    assertThat(error(r)).isEqualTo(HubError.GATEWAY_TIMEOUT);
  }

  @Test
  void aDeviceThatDisconnectsMidCallCannotAnswerAndTheCallTimesOut() {
    DeviceSession s = connect();
    CompletableFuture<MethodResponse> r = engine.invoke(call(Duration.ZERO, Duration.ofSeconds(5), "1"));
    s.close();
    assertThat(s.respond(device.calls.get(0).requestId(), 200, "{}")).isFalse();
    time.advance(Duration.ofSeconds(5));
    assertThat(error(r)).isEqualTo(HubError.GATEWAY_TIMEOUT);
  }

  @Test
  void methodPayloadsAreLimitedTo128Kilobytes() {
    DeviceSession s = connect();
    String big = "\"" + "a".repeat(128 * 1024) + "\"";
    assertThat(error(engine.invoke(call(Duration.ZERO, Duration.ofSeconds(5), big)))).isEqualTo(HubError.MESSAGE_TOO_LARGE);
    CompletableFuture<MethodResponse> r = engine.invoke(call(Duration.ZERO, Duration.ofSeconds(5), "1"));
    s.respond(device.calls.get(0).requestId(), 200, big);
    assertThat(error(r)).isEqualTo(HubError.MESSAGE_TOO_LARGE);
  }

  @Test
  void timeoutsOutsideTheHubsRangesAreBadRequests() {
    assertThat(error(engine.invoke(call(Duration.ZERO, Duration.ofSeconds(4), "1")))).isEqualTo(HubError.BAD_REQUEST);
    assertThat(error(engine.invoke(call(Duration.ofSeconds(301), Duration.ofSeconds(5), "1")))).isEqualTo(HubError.BAD_REQUEST);
  }

  @Test
  void aSecondConnectionReplacesTheFirst() {
    DeviceSession first = connect();
    ManualDevice other = new ManualDevice();
    DeviceSession second = engine.connect("d1", other);
    assertThat(first.isOpen()).isFalse();
    assertThat(device.disconnectReasons).containsExactly("the device connected again");
    assertThat(second.isOpen()).isTrue();
  }

  @Test
  void removingADeviceClosesItsSessionAndFailsItsCalls() {
    connect();
    CompletableFuture<MethodResponse> r = engine.invoke(call(Duration.ZERO, Duration.ofSeconds(30), "1"));
    assertThat(engine.removeDevice("d1")).isTrue();
    assertThat(error(r)).isEqualTo(HubError.DEVICE_NOT_FOUND);
    assertThat(engine.device("d1")).isEmpty();
    assertThat(device.disconnectReasons).containsExactly("device deleted");
  }

  @Test
  void disablingAConnectedDeviceEndsItsSessionButKeepsItsRegistrationAndQueue() {
    DeviceSession s = connect();
    engine.enqueue(message("m1"));
    String etag = engine.device("d1").orElseThrow().etag();

    DeviceInfo disabled = engine.setDeviceEnabled("d1", false);

    assertThat(disabled.enabled()).isFalse();
    assertThat(disabled.connected()).isFalse();
    assertThat(disabled.etag()).isNotEqualTo(etag);
    assertThat(disabled.cloudToDeviceMessageCount()).isEqualTo(1);
    assertThat(s.isOpen()).isFalse();
    assertThat(device.disconnectReasons).containsExactly("device disabled");
    assertThat(s.complete(device.last().lockToken())).as("a disconnected session cannot settle").isFalse();
  }

  @Test
  void aDisabledDeviceIsRefusedAsUnauthorizedUntilEnabledAgain() {
    engine.setDeviceEnabled("d1", false);
    assertThatThrownBy(() -> engine.connect("d1", device))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.error()).isEqualTo(HubError.UNAUTHORIZED))
        .hasMessageContaining("disabled");
    assertThat(engine.device("d1").orElseThrow().connected()).isFalse();

    assertThat(engine.setDeviceEnabled("d1", true).enabled()).isTrue();
    assertThat(connect().isOpen()).isTrue();
    assertThat(device.disconnectReasons).isEmpty();
  }

  @Test
  void devicesStartEnabledAndAnUnchangedStatusKeepsTheEtag() {
    DeviceInfo d = engine.device("d1").orElseThrow();
    assertThat(d.enabled()).isTrue();
    assertThat(engine.setDeviceEnabled("d1", true).etag()).isEqualTo(d.etag());
    assertThatThrownBy(() -> engine.setDeviceEnabled("nobody", false))
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.error()).isEqualTo(HubError.DEVICE_NOT_FOUND));
  }

  private static MethodInvocation call(Duration connect, Duration response, String payload) {
    return MethodInvocation.builder().deviceId("d1").methodName("reboot").payloadJson(payload)
        .connectTimeout(connect).responseTimeout(response).build();
  }

  private static HubError error(CompletableFuture<MethodResponse> f) {
    assertThat(f).isCompletedExceptionally();
    return f.handle((v, e) -> ((HubException) e).error()).join();
  }

  /** Records what the engine hands the device; the test settles by hand. */
  static final class ManualDevice implements DeviceEndpoint {
    final List<DeliveredMessage> delivered = new CopyOnWriteArrayList<>();
    final List<MethodRequest> calls = new CopyOnWriteArrayList<>();
    final List<String> disconnectReasons = new CopyOnWriteArrayList<>();

    @Override
    public void deliverMessage(DeliveredMessage message) {
      delivered.add(message);
    }

    @Override
    public void invokeMethod(MethodRequest request) {
      calls.add(request);
    }

    @Override
    public void disconnected(String reason) {
      disconnectReasons.add(reason);
    }

    DeliveredMessage last() {
      return delivered.get(delivered.size() - 1);
    }

    List<String> messageIds() {
      return delivered.stream().map(m -> m.message().messageId()).toList();
    }
  }

  @Test
  void observersHearOfKeyAndStatusChangesButNotOfAStatusSetToWhatItWas() {
    List<DeviceInfo> updates = new CopyOnWriteArrayList<>();
    engine.addObserver(new HubObserver() {
      @Override
      public void deviceUpdated(DeviceInfo d) {
        updates.add(d);
      }
    });
    engine.updateDeviceKeys("d1", "a2V5LTE=", null);
    engine.setDeviceEnabled("d1", true); // already enabled: no change
    engine.setDeviceEnabled("d1", false);

    assertThat(updates).extracting(DeviceInfo::primaryKey, DeviceInfo::enabled)
        .containsExactly(tuple("a2V5LTE=", true), tuple("a2V5LTE=", false));
  }

  @Test
  void observersHearOfADeletionOnceAndOnlyOfARegistrationThatExisted() {
    List<String> removed = new CopyOnWriteArrayList<>();
    engine.addObserver(new HubObserver() {
      @Override
      public void deviceRemoved(String deviceId) {
        removed.add(deviceId);
      }
    });
    engine.removeDevice("d1");
    engine.removeDevice("d1"); // gone already: no news
    engine.removeDevice("never-registered");

    assertThat(removed).containsExactly("d1");
  }
}
