package io.github.iothubcommands.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubcommands.engine.HubLimits;
import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.FeedbackRecord;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the hub and its devices remember: within the record limit, oldest dropped first, counts exact. */
@Timeout(10)
class FakeHubRecordsTest {
  private ClientOnHub on = new ClientOnHub(FakeHub.create());
  private FakeHub hub = on.hub;

  @AfterEach
  void close() {
    on.close();
  }

  private void useHub(FakeHub newHub) {
    on.close();
    on = new ClientOnHub(newHub);
    hub = newHub;
  }

  @Test
  void aHubKeepsTheDefaultRecordLimitUnlessToldOtherwise() {
    assertThat(hub.recordLimit()).isEqualTo(FakeHub.DEFAULT_RECORD_LIMIT).isEqualTo(10_000);
    assertThat(FakeHub.realTime().recordLimit()).isEqualTo(FakeHub.DEFAULT_RECORD_LIMIT);
    assertThat(FakeHub.builder().recordLimit(7).build().recordLimit()).isEqualTo(7);
  }

  @Test
  void pastTheLimitTheOldestRecordsAreDroppedAndTheCountsStayExact() {
    useHub(FakeHub.builder().recordLimit(3).build());
    SimulatedDevice d1 = hub.device("d1").connect();
    String first = on.send("d1", "c1");
    on.send("d1", "c2");
    String third = on.send("d1", "c3");
    on.send("d1", "c4");
    String fifth = on.send("d1", "c5");
    hub.advance(Duration.ofSeconds(15));

    assertThat(hub.recordedMessages()).extracting(CloudToDeviceMessage::messageId).hasSize(3)
        .startsWith(third).endsWith(fifth).doesNotContain(first);
    assertThat(hub.recordedFeedback()).extracting(FeedbackRecord::originalMessageId).hasSize(3).endsWith(fifth);
    assertThat(d1.receivedMessages()).extracting(m -> m.message().messageId()).hasSize(3).startsWith(third);
    assertThat(hub.messageCount()).isEqualTo(5);
    assertThat(hub.messageCount("d1")).isEqualTo(5);
    assertThat(hub.feedbackCount()).isEqualTo(5);
    assertThat(d1.receivedMessageCount()).isEqualTo(5);
    assertThat(hub.droppedRecordCount()).isEqualTo(2 + 2 + 2); // messages, feedback, deliveries
  }

  @Test
  void takingReturnsTheOldestKeptRecord() throws InterruptedException {
    useHub(FakeHub.builder().recordLimit(2).build());
    hub.device("d1").connect();
    on.send("d1", "c1");
    String second = on.send("d1", "c2");
    on.send("d1", "c3");
    assertThat(hub.takeMessage(Duration.ofSeconds(1)).messageId()).isEqualTo(second);
    assertThat(hub.recordedMessages()).hasSize(1);
    assertThat(hub.messageCount()).isEqualTo(3);
  }

  @Test
  void devicesShareOneBoundSoTheFleetsOldestDeliveryGoesFirst() {
    useHub(FakeHub.builder().recordLimit(2).build());
    SimulatedDevice quiet = hub.device("quiet").connect();
    SimulatedDevice busy = hub.device("busy").connect();
    on.send("quiet", "c1");
    on.send("busy", "c2");
    on.send("busy", "c3");
    assertThat(quiet.receivedMessages()).isEmpty();
    assertThat(quiet.receivedMessageCount()).isEqualTo(1);
    assertThat(busy.receivedMessages()).hasSize(2);
  }

  @Test
  void methodCallsAreBoundedLikeMessages() {
    useHub(FakeHub.builder().recordLimit(1).build());
    SimulatedDevice d1 = hub.device("d1").onMethod("ping", MethodReply.respond(200, "{}")).connect();
    on.call("d1", "ping");
    on.call("d1", "ping");
    on.call("d2-unregistered", "ping");
    assertThat(d1.methodCalls()).hasSize(1);
    assertThat(d1.methodCallCount()).isEqualTo(2);
    assertThat(hub.recordedInvocations()).singleElement().satisfies(i -> assertThat(i.deviceId()).isEqualTo("d2-unregistered"));
    assertThat(hub.invocationCount()).isEqualTo(3);
    assertThat(hub.invocationCount("d1")).isEqualTo(2);
    assertThat(hub.invocationCount("d2-unregistered")).isEqualTo(1);
    assertThat(hub.invocationCount("nobody")).isZero();
  }

  @Test
  void clearRecordedForgetsWhatWasKeptButNotTheCounts() throws InterruptedException {
    SimulatedDevice d1 = hub.device("d1").onMethod("ping", MethodReply.respond(200, "{}")).connect();
    on.send("d1", "c1");
    on.call("d1", "ping");
    hub.advance(Duration.ofSeconds(15));
    hub.clearRecorded();

    assertThat(hub.recordedMessages()).isEmpty();
    assertThat(hub.recordedInvocations()).isEmpty();
    assertThat(hub.recordedFeedback()).isEmpty();
    assertThat(d1.receivedMessages()).isEmpty();
    assertThat(d1.methodCalls()).isEmpty();
    assertThat(hub.takeMessage(Duration.ofMillis(10))).isNull();
    assertThat(hub.messageCount()).isEqualTo(1);
    assertThat(hub.invocationCount()).isEqualTo(1);
    assertThat(hub.feedbackCount()).isEqualTo(1);
    assertThat(d1.receivedMessageCount()).isEqualTo(1);
    assertThat(d1.methodCallCount()).isEqualTo(1);
    assertThat(hub.droppedRecordCount()).isZero();

    on.send("d1", "c2");
    assertThat(hub.recordedMessages()).hasSize(1);
    assertThat(d1.receivedMessages()).hasSize(1);
  }

  @Test
  void aDeviceClearsOnlyItsOwnRecords() {
    SimulatedDevice d1 = hub.device("d1").connect();
    SimulatedDevice d2 = hub.device("d2").connect();
    on.send("d1", "c1");
    on.send("d2", "c2");
    assertThat(d1.clearRecorded()).isSameAs(d1);
    assertThat(d1.receivedMessages()).isEmpty();
    assertThat(d2.receivedMessages()).hasSize(1);
    assertThat(hub.recordedMessages()).hasSize(2);
  }

  @Test
  void aRecordLimitOfZeroKeepsOnlyTheCounts() throws InterruptedException {
    useHub(FakeHub.builder().recordLimit(0).build());
    SimulatedDevice d1 = hub.device("d1").connect();
    on.send("d1", "c1");
    assertThat(hub.takeMessage(Duration.ofMillis(10))).isNull();
    assertThat(d1.receivedMessages()).isEmpty();
    assertThat(hub.messageCount()).isEqualTo(1);
    assertThat(d1.receivedMessageCount()).isEqualTo(1);
    assertThat(hub.droppedRecordCount()).isEqualTo(2);
  }

  @Test
  void aNegativeRecordLimitIsRefusedWithTheRuleAndTheValue() {
    assertThatThrownBy(() -> FakeHub.builder().recordLimit(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("recordLimit must be at least 0, but was -1");
  }

  @Test
  void theBuilderSetsLimitsAndTime() {
    try (FakeHub custom = FakeHub.builder().limits(HubLimits.custom().queueDepth(3).build()).build();
        FakeHub wallClock = FakeHub.builder().realTime().build();
        FakeHub virtualAgain = FakeHub.builder().realTime().virtualTime().build()) {
      assertThat(custom.engine().limits().queueDepth()).isEqualTo(3);
      assertThatThrownBy(() -> wallClock.advance(Duration.ofSeconds(1)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("real time");
      virtualAgain.advance(Duration.ofHours(1));
      assertThat(virtualAgain.now()).isEqualTo(io.github.iothubcommands.engine.VirtualTime.DEFAULT_START.plus(Duration.ofHours(1)));
    }
  }
}
