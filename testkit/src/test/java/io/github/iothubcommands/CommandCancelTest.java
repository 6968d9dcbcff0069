package io.github.iothubcommands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.github.iothubcommands.engine.VirtualTime;
import io.github.iothubcommands.testkit.FakeHub;
import io.github.iothubcommands.testkit.MessageReply;
import io.github.iothubcommands.testkit.MethodReply;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link CommandHandle#cancel()} and {@link CommandHandle#awaitOutcome(Duration)}, on virtual time. */
@Timeout(10)
class CommandCancelTest {
  private final List<CommandEvent> events = new CopyOnWriteArrayList<>();

  private CommandClient client(FakeHub hub) {
    return CommandClient.builder().transport(hub.transport()).timeSource(hub.time()).listener(events::add).build();
  }

  private List<org.assertj.core.groups.Tuple> transitions() {
    return events.stream().map(e -> tuple(e.previous().orElse(null), e.status())).toList();
  }

  @Test
  void aCancelledMethodEndsCancelledFreesItsIdAndIgnoresTheLateAnswer() {
    try (FakeHub hub = FakeHub.create(); CommandClient client = client(hub)) {
      hub.device("d1").onMethod("flash", MethodReply.respond(200, "{}").after(Duration.ofSeconds(20))).connect();
      Command flash = Command.named("flash").build();
      CommandHandle h = client.sendAsync("d1", flash, DeliveryStrategy.directMethod());
      hub.advance(Duration.ofSeconds(1));

      assertThat(h.cancel()).isTrue();

      assertThat(h.status()).isEqualTo(CommandStatus.CANCELLED);
      CommandOutcome o = h.outcome().join();
      assertThat(o.status()).isEqualTo(CommandStatus.CANCELLED);
      assertThat(o.completedAt()).isEqualTo(hub.now());
      hub.advance(Duration.ofSeconds(60)); // the device answers after 20 s: too late, ignored
      assertThat(h.outcome().join()).isEqualTo(o);
      assertThat(transitions()).containsExactly(tuple(null, CommandStatus.QUEUED),
          tuple(CommandStatus.QUEUED, CommandStatus.CANCELLED));
      CommandHandle again = client.sendAsync("d1", flash, DeliveryStrategy.directMethod()); // the id is free
      hub.advance(Duration.ofSeconds(20));
      assertThat(again.outcome().join().status()).isEqualTo(CommandStatus.SUCCEEDED);
    }
  }

  @Test
  void aCancelledCloudToDeviceMessageStopsWaitingForFeedback() {
    try (FakeHub hub = FakeHub.create(); CommandClient client = client(hub)) {
      hub.device("d1"); // offline: the message waits in the queue
      CommandHandle h = client.sendAsync("d1", Command.named("x").build(), DeliveryStrategy.cloudToDevice());
      assertThat(h.status()).isEqualTo(CommandStatus.SENT);
      int timersBefore = ((VirtualTime) hub.time()).pendingTasks();

      assertThat(h.cancel()).isTrue();

      assertThat(((VirtualTime) hub.time()).pendingTasks())
          .as("the feedback deadline is cancelled").isEqualTo(timersBefore - 1);
      hub.device("d1").replyToMessages(MessageReply.complete()).connect(); // the hub still delivers it
      hub.advance(Duration.ofMinutes(2));
      hub.flushFeedback();
      assertThat(hub.feedbackCount()).isEqualTo(1);
      assertThat(h.outcome().join().status()).isEqualTo(CommandStatus.CANCELLED);
      assertThat(transitions()).containsExactly(tuple(null, CommandStatus.QUEUED),
          tuple(CommandStatus.QUEUED, CommandStatus.SENT), tuple(CommandStatus.SENT, CommandStatus.CANCELLED));
    }
  }

  @Test
  void cancellingAFinishedCommandChangesNothing() {
    try (FakeHub hub = FakeHub.create(); CommandClient client = client(hub)) {
      hub.device("d1").onMethod("ping", MethodReply.respond(200, "{}")).connect();
      CommandHandle h = client.sendAsync("d1", Command.named("ping").build(), DeliveryStrategy.directMethod());
      CommandOutcome done = h.outcome().join();

      assertThat(h.cancel()).isFalse();

      assertThat(h.status()).isEqualTo(CommandStatus.SUCCEEDED);
      assertThat(h.outcome().join()).isEqualTo(done);
      assertThat(events).hasSize(3);
    }
  }

  @Test
  void awaitOutcomeReturnsEmptyWhileInFlightAndTheOutcomeOnceThere() {
    try (FakeHub hub = FakeHub.create(); CommandClient client = client(hub)) {
      hub.device("d1").onMethod("slow", MethodReply.respond(200, "{}").after(Duration.ofSeconds(5))).connect();
      CommandHandle h = client.sendAsync("d1", Command.named("slow").build(), DeliveryStrategy.directMethod());

      assertThat(h.awaitOutcome(Duration.ZERO)).isEmpty();
      assertThat(h.awaitOutcome(Duration.ofMillis(20))).isEmpty(); // virtual time does not move by itself
      assertThat(h.status()).as("waiting changes nothing").isEqualTo(CommandStatus.QUEUED);

      hub.advance(Duration.ofSeconds(5));
      assertThat(h.awaitOutcome(Duration.ZERO)).hasValueSatisfying(
          o -> assertThat(o.status()).isEqualTo(CommandStatus.SUCCEEDED));
      assertThatThrownBy(() -> h.awaitOutcome(Duration.ofSeconds(-1)))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("limit must not be negative, but was PT-1S");
    }
  }
}
