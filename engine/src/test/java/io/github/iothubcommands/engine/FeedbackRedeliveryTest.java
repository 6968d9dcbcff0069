package io.github.iothubcommands.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.FeedbackReceiver;
import io.github.iothubcommands.spi.FeedbackRecord;
import io.github.iothubcommands.spi.FeedbackSubscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The feedback endpoint as a queue: a failed batch is abandoned and redelivered, up to a delivery count. */
@Timeout(10)
class FeedbackRedeliveryTest {
  private final VirtualTime time = new VirtualTime();
  private HubEngine engine = engine(HubLimits.custom());

  private HubEngine engine(HubLimits.Builder limits) {
    HubEngine e = new HubEngine(limits.build(), time);
    e.registerDevice("d1", null, null);
    return e;
  }

  /** Emits one batch holding one {@code Expired} record for {@code messageId}. */
  private void emitBatch(String messageId) {
    engine.enqueue(CloudToDeviceMessage.builder().deviceId("d1").messageId(messageId)
        .payload("{}".getBytes(StandardCharsets.UTF_8), "application/json").properties(Map.of())
        .acknowledgement(Acknowledgement.FULL).expiryTime(time.now().plusSeconds(1)).build());
    time.advance(Duration.ofSeconds(1));
    engine.flushFeedback();
  }

  /** Records the message ids of each batch it is handed, and answers with the next scripted stage. */
  private static final class Receiver implements FeedbackReceiver {
    final List<String> got = new CopyOnWriteArrayList<>();
    final List<CompletableFuture<Void>> stages = new CopyOnWriteArrayList<>();
    private final boolean completeAtOnce;
    private final AtomicInteger failuresLeft;

    Receiver(boolean completeAtOnce, int failures) {
      this.completeAtOnce = completeAtOnce;
      this.failuresLeft = new AtomicInteger(failures);
    }

    static Receiver taking() {
      return new Receiver(true, 0);
    }

    static Receiver failing(int times) {
      return new Receiver(true, times);
    }

    static Receiver holding() {
      return new Receiver(false, 0);
    }

    @Override
    public CompletionStage<Void> receive(List<FeedbackRecord> batch) {
      got.add(batch.get(0).originalMessageId());
      CompletableFuture<Void> stage = new CompletableFuture<>();
      stages.add(stage);
      if (failuresLeft.getAndDecrement() > 0) {
        stage.completeExceptionally(new IllegalStateException("outcome store unavailable"));
      } else if (completeAtOnce) {
        stage.complete(null);
      }
      return stage;
    }
  }

  @Test
  void feedbackNobodyReceivesExpiresAfterTheFeedbackTimeToLive() {
    engine = engine(HubLimits.custom().feedbackTimeToLive(Duration.ofMinutes(10)));
    emitBatch("old");
    time.advance(Duration.ofMinutes(9));
    emitBatch("recent"); // made at minute 9: expires at minute 19

    time.advance(Duration.ofMinutes(2)); // minute 11: "old" has expired, "recent" has not
    Receiver late = Receiver.taking();
    engine.subscribeFeedback(late);

    assertThat(late.got).containsExactly("recent");
  }

  @Test
  void anAbandonedBatchStillExpiresAtItsTimeToLive() {
    engine = engine(HubLimits.custom().feedbackTimeToLive(Duration.ofMinutes(10)));
    Receiver holding = Receiver.holding();
    FeedbackSubscription first = engine.subscribeFeedback(holding);
    emitBatch("m1");
    assertThat(holding.got).containsExactly("m1");
    first.close();

    time.advance(Duration.ofMinutes(10));
    holding.stages.get(0).completeExceptionally(new IllegalStateException("store timed out")); // abandoned
    Receiver late = Receiver.taking();
    engine.subscribeFeedback(late);

    assertThat(late.got).isEmpty();
  }

  @Test
  void theFeedbackTimeToLiveIsBetweenOneSecondAndFortyEightHours() {
    assertThat(HubLimits.ofDefaults().feedbackTimeToLive()).isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> HubLimits.custom().feedbackTimeToLive(Duration.ofHours(49)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("feedbackTimeToLive must be between 1 s and 48 h, but was PT49H");
  }

  @Test
  void aBatchWhoseStageFailsGoesToTheNextReceiverInTurn() {
    Receiver a = Receiver.failing(1);
    Receiver b = Receiver.taking();
    engine.subscribeFeedback(a);
    engine.subscribeFeedback(b);

    emitBatch("m1");

    assertThat(a.got).containsExactly("m1");
    assertThat(b.got).containsExactly("m1");
    emitBatch("m2"); // taken once: not delivered again
    assertThat(a.got.size() + b.got.size()).isEqualTo(3);
  }

  @Test
  void aReceiverThatThrowsAbandonsTheBatchLikeAFailedStage() {
    AtomicInteger calls = new AtomicInteger();
    List<String> taken = new CopyOnWriteArrayList<>();
    engine.subscribeFeedback(FeedbackReceiver.taking(batch -> {
      if (calls.incrementAndGet() <= 2) {
        throw new IllegalStateException("not now");
      }
      taken.add(batch.get(0).originalMessageId());
    }));

    emitBatch("m1");

    assertThat(calls).hasValue(3);
    assertThat(taken).containsExactly("m1");
  }

  @Test
  void aBatchFailedTheMaximumNumberOfTimesIsDroppedAndTheNextOneStillFlows() {
    Receiver always = Receiver.failing(10);
    engine.subscribeFeedback(always);

    emitBatch("m1");
    assertThat(always.got).hasSize(HubLimits.DEFAULT_MAX_FEEDBACK_DELIVERY_COUNT).containsOnly("m1");

    emitBatch("m2");
    assertThat(always.got).hasSize(11).endsWith("m2");
  }

  @Test
  void theMaximumFeedbackDeliveryCountIsALimit() {
    engine = engine(HubLimits.custom().maxFeedbackDeliveryCount(3));
    Receiver always = Receiver.failing(Integer.MAX_VALUE);
    engine.subscribeFeedback(always);

    emitBatch("m1");

    assertThat(always.got).containsExactly("m1", "m1", "m1");
  }

  @Test
  void aReceiverGetsItsNextBatchOnlyAfterItsPreviousStageCompleted() {
    Receiver slow = Receiver.holding();
    engine.subscribeFeedback(slow);

    emitBatch("m1");
    emitBatch("m2");
    assertThat(slow.got).containsExactly("m1");

    slow.stages.get(0).complete(null);
    assertThat(slow.got).containsExactly("m1", "m2");
  }

  @Test
  void whileOneReceiverIsBusyTheNextBatchGoesToAFreeOne() {
    Receiver slow = Receiver.holding();
    Receiver other = Receiver.taking();
    engine.subscribeFeedback(slow);
    engine.subscribeFeedback(other);

    emitBatch("m1");
    emitBatch("m2");
    emitBatch("m3");

    assertThat(slow.got).containsExactly("m1");
    assertThat(other.got).containsExactly("m2", "m3");
  }

  @Test
  void aStageThatFailsLaterRedeliversTheBatchThen() {
    Receiver slow = Receiver.holding();
    engine.subscribeFeedback(slow);
    emitBatch("m1");
    Receiver late = Receiver.taking();
    engine.subscribeFeedback(late);
    assertThat(late.got).isEmpty();

    slow.stages.get(0).completeExceptionally(new IllegalStateException("store timed out"));

    assertThat(late.got).containsExactly("m1");
  }

  @Test
  void manyBatchesWaitingForAReceiverThatCompletesAtOnceAreDeliveredWithoutDeepRecursion() {
    engine = engine(HubLimits.custom().feedbackTimeToLive(Duration.ofHours(2))); // 5,000 batches, one a second
    for (int i = 0; i < 5000; i++) {
      emitBatch("m" + i);
    }
    Receiver r = Receiver.taking();
    engine.subscribeFeedback(r);
    assertThat(r.got).hasSize(5000).startsWith("m0", "m1").endsWith("m4999");
  }

  @Test
  void noBatchReachesAReceiverAfterItsSubscriptionClosed() {
    Receiver gone = Receiver.taking();
    engine.subscribeFeedback(gone).close();
    Receiver stays = Receiver.taking();
    engine.subscribeFeedback(stays);

    emitBatch("m1");

    assertThat(gone.got).isEmpty();
    assertThat(stays.got).containsExactly("m1");
  }
}
