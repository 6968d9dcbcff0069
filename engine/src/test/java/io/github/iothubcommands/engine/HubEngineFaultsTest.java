package io.github.iothubcommands.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.HubError;
import io.github.iothubcommands.HubException;
import io.github.iothubcommands.MethodResponse;
import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.FeedbackRecord;
import io.github.iothubcommands.spi.FeedbackStatus;
import io.github.iothubcommands.spi.MethodInvocation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Injected faults (throttle the next calls or for a while, drop feedback) and the engine's counts. */
@Timeout(10)
class HubEngineFaultsTest {
  private final VirtualTime time = new VirtualTime();
  private final HubEngine engine = new HubEngine(HubLimits.custom().feedbackBatchSize(1).build(), time);
  private final HubEngineTest.ManualDevice device = new HubEngineTest.ManualDevice();
  private final List<FeedbackRecord> feedback = new CopyOnWriteArrayList<>();
  private int sent;

  HubEngineFaultsTest() {
    engine.registerDevice("d1", null, null);
    engine.subscribeFeedback(batch -> {
      feedback.addAll(batch);
      return CompletableFuture.completedFuture(null);
    });
  }

  private CloudToDeviceMessage message(Duration ttl) {
    return CloudToDeviceMessage.builder().deviceId("d1").messageId("m" + (++sent))
        .payload("{}".getBytes(StandardCharsets.UTF_8), "application/json").properties(Map.of())
        .acknowledgement(Acknowledgement.FULL).expiryTime(time.now().plus(ttl)).build();
  }

  private CompletableFuture<MethodResponse> call() {
    return engine.invoke(MethodInvocation.builder().deviceId("d1").methodName("m").payloadJson("{}")
        .connectTimeout(Duration.ZERO).responseTimeout(Duration.ofSeconds(5)).build());
  }

  private static void assertThrottled(Throwable e) {
    assertThat(e).isInstanceOfSatisfying(HubException.class, h -> {
      assertThat(h.error()).isEqualTo(HubError.THROTTLED);
      assertThat(h.errorCode()).isEqualTo(429001);
      assertThat(h.getMessage()).contains("injected fault");
    });
  }

  @Test
  void throttleNextRefusesExactlyThatManySendsThenLetsThemThrough() {
    engine.throttleNext(HubOperation.CLOUD_TO_DEVICE_SEND, 2);
    assertThat(engine.faults().throttleNext()).containsEntry(HubOperation.CLOUD_TO_DEVICE_SEND, 2);
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> engine.enqueue(message(Duration.ofMinutes(1))))
          .satisfies(HubEngineFaultsTest::assertThrottled);
    }
    engine.enqueue(message(Duration.ofMinutes(1)));
    assertThat(engine.device("d1").orElseThrow().cloudToDeviceMessageCount()).isEqualTo(1);
    assertThat(engine.faults().isEmpty()).isTrue();
    assertThat(engine.counts().throttled()).isEqualTo(2);
    assertThat(engine.counts().cloudToDeviceEnqueued()).isEqualTo(1);
  }

  @Test
  void throttleForRefusesMethodCallsUntilTheEngineClockPassesIt() {
    engine.connect("d1", device).subscribeMethods();
    engine.throttleFor(HubOperation.DIRECT_METHOD, Duration.ofSeconds(10));
    assertThat(call()).failsWithin(Duration.ZERO).withThrowableThat()
        .satisfies(e -> assertThrottled(e.getCause()));
    engine.enqueue(message(Duration.ofMinutes(1))); // the other operation is not throttled
    time.advance(Duration.ofSeconds(10));
    assertThat(call()).isNotDone();
    assertThat(device.calls).hasSize(1);
    assertThat(engine.faults().isEmpty()).isTrue();
    HubCounts c = engine.counts();
    assertThat(c.methodsInvoked()).isEqualTo(2);
    assertThat(c.methodsFailed()).isEqualTo(1);
    assertThat(c.throttled()).isEqualTo(1);
  }

  @Test
  void dropNextFeedbackLosesThatManyRecordsAndCountsThem() {
    engine.dropNextFeedback(1);
    engine.enqueue(message(Duration.ofSeconds(5)));
    engine.enqueue(message(Duration.ofSeconds(5)));
    time.advance(Duration.ofSeconds(6));
    assertThat(feedback).extracting(FeedbackRecord::originalMessageId).containsExactly("m2");
    assertThat(feedback).extracting(FeedbackRecord::status).containsExactly(FeedbackStatus.EXPIRED);
    HubCounts c = engine.counts();
    assertThat(c.cloudToDeviceExpired()).isEqualTo(2);
    assertThat(c.feedbackDropped()).isEqualTo(1);
  }

  @Test
  void clearFaultsDisarmsEverything() {
    engine.throttleNext(HubOperation.DIRECT_METHOD, 5);
    engine.throttleFor(HubOperation.CLOUD_TO_DEVICE_SEND, Duration.ofHours(1));
    engine.dropNextFeedback(3);
    assertThat(engine.faults().throttledUntil(HubOperation.CLOUD_TO_DEVICE_SEND))
        .contains(time.now().plus(Duration.ofHours(1)));
    engine.clearFaults();
    assertThat(engine.faults().isEmpty()).isTrue();
    engine.enqueue(message(Duration.ofMinutes(1)));
    assertThat(engine.counts().throttled()).isZero();
  }

  @Test
  void faultArgumentsAreChecked() {
    assertThatThrownBy(() -> engine.throttleNext(HubOperation.DIRECT_METHOD, -1))
        .hasMessage("count must be 0 or more, but was -1");
    assertThatThrownBy(() -> engine.throttleFor(HubOperation.DIRECT_METHOD, Duration.ZERO))
        .hasMessage("duration must be positive, but was PT0S");
    assertThatThrownBy(() -> engine.dropNextFeedback(-2)).hasMessage("count must be 0 or more, but was -2");
  }

  @Test
  void countsFollowEveryEndOfAMessageAndOfACall() {
    DeviceSession s = engine.connect("d1", device);
    s.subscribeMessages();
    s.subscribeMethods();
    for (int i = 0; i < 4; i++) {
      engine.enqueue(message(Duration.ofMinutes(10)));
    }
    s.abandon(device.last().lockToken()); // m1 comes again, then m2 and m3: four deliveries
    s.complete(device.last().lockToken());
    s.reject(device.last().lockToken());
    assertThat(engine.purge("d1")).isEqualTo(2);
    CompletableFuture<MethodResponse> answered = call();
    s.respond(device.calls.get(0).requestId(), 200, "{}");
    CompletableFuture<MethodResponse> silent = call();
    time.advance(Duration.ofSeconds(5));
    assertThat(answered).isCompleted();
    assertThat(silent).isCompletedExceptionally();
    assertThat(engine.counts()).isEqualTo(new HubCounts(4, 4, 1, 1, 1, 0, 0, 2, 2, 1, 0, 1, 0, 1, 0));
  }
}
