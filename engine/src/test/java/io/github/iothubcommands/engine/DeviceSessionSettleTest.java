package io.github.iothubcommands.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.FeedbackReceiver;
import io.github.iothubcommands.spi.FeedbackRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Settling through a session that is no longer the device's connection is refused, as IoT Hub refuses it. */
@Timeout(10)
class DeviceSessionSettleTest {
  private final VirtualTime time = new VirtualTime();
  private final HubEngine engine = new HubEngine(HubLimits.ofDefaults(), time);
  private final List<FeedbackRecord> feedback = new CopyOnWriteArrayList<>();
  private final HubEngineTest.ManualDevice first = new HubEngineTest.ManualDevice();
  private final HubEngineTest.ManualDevice second = new HubEngineTest.ManualDevice();

  DeviceSessionSettleTest() {
    engine.registerDevice("d1", null, null);
    engine.subscribeFeedback(FeedbackReceiver.taking(feedback::addAll));
    engine.enqueue(CloudToDeviceMessage.builder().deviceId("d1").messageId("m1")
        .payload("{}".getBytes(StandardCharsets.UTF_8), "application/json").properties(Map.of())
        .acknowledgement(Acknowledgement.FULL).expiryTime(time.now().plus(Duration.ofHours(1))).build());
  }

  private DeviceSession connect(HubEngineTest.ManualDevice device) {
    DeviceSession s = engine.connect("d1", device);
    s.subscribeMessages();
    return s;
  }

  @Test
  void aSettleThroughTheOldSessionAfterAReconnectIsRefusedAndTheMessageStaysLocked() {
    DeviceSession old = connect(first);
    String token = first.last().lockToken();
    DeviceSession current = connect(second);

    assertThat(old.complete(token)).isFalse();
    assertThat(old.reject(token)).isFalse();
    assertThat(old.abandon(token)).isFalse();

    engine.flushFeedback();
    assertThat(feedback).isEmpty();
    assertThat(engine.device("d1").orElseThrow().cloudToDeviceMessageCount()).isEqualTo(1);
    assertThat(second.delivered).as("still locked by the first delivery").isEmpty();

    time.advance(HubLimits.DEFAULT_LOCK_TIMEOUT); // the lock expires: the new session gets it again
    assertThat(second.last().deliveryCount()).isEqualTo(2);
    assertThat(current.complete(second.last().lockToken())).isTrue();
  }

  @Test
  void aReconnectBetweenASettleCallAndItsSettlementWinsTheRace() throws Exception {
    DeviceSession old = connect(first);
    String token = first.last().lockToken();
    CompletableFuture<Boolean> settled = new CompletableFuture<>();
    Thread settler = new Thread(() -> settled.complete(old.complete(token)), "settler");

    synchronized (engine.lock()) {
      settler.start();
      while (settler.getState() != Thread.State.BLOCKED) { // the settle is waiting for the engine lock
        Thread.onSpinWait();
      }
      connect(second); // the same thread holds the lock, so this reconnect lands before the settle
    }

    assertThat(settled.get(5, TimeUnit.SECONDS)).as("the old session settled after the reconnect").isFalse();
    assertThat(engine.device("d1").orElseThrow().cloudToDeviceMessageCount()).isEqualTo(1);
    engine.flushFeedback();
    assertThat(feedback).isEmpty();
  }
}
