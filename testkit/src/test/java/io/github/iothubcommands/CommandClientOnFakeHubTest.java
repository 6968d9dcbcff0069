package io.github.iothubcommands;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubcommands.testkit.FakeHub;
import io.github.iothubcommands.testkit.MessageReply;
import io.github.iothubcommands.testkit.MethodReply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The command client's outcomes, end to end on the fake hub in virtual time. */
@Timeout(10)
class CommandClientOnFakeHubTest {
  private final FakeHub hub = FakeHub.create();
  private final List<CommandEvent> events = new CopyOnWriteArrayList<>();
  private final CommandClient client = CommandClient.builder().transport(hub.transport()).listener(events::add)
      .build();

  @AfterEach
  void close() {
    client.close();
    hub.close();
  }

  private static CloudToDevice c2d(Duration ttl, Acknowledgement ack) {
    return CloudToDevice.custom().timeToLive(ttl).acknowledgement(ack).build();
  }

  @Test
  void directMethodSucceedsWithTheDevicesReply() {
    hub.device("d1").onMethod("reboot", MethodReply.respond(200, "{\"rebooting\":true}")).connect();
    CommandHandle h = client.sendAsync("d1", Command.named("reboot").id("r-1").jsonPayload(Map.of("delay", 5))
        .build(), DeliveryStrategy.directMethod());
    CommandOutcome o = h.outcome().join();
    assertThat(o.status()).isEqualTo(CommandStatus.SUCCEEDED);
    assertThat(o.methodResponse()).hasValueSatisfying(r -> {
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.payload().get("rebooting").asBoolean()).isTrue();
    });
    assertThat(o.attempts()).isEqualTo(1);
    assertThat(o.mechanism()).contains(Mechanism.DIRECT_METHOD);
    // the command id travels as the payload's first member, the caller's JSON unchanged after it
    assertThat(hub.device("d1").methodCalls()).singleElement()
        .satisfies(c -> assertThat(c.payloadJson()).isEqualTo("{\"$commandId\":\"r-1\",\"delay\":5}"));
  }

  @Test
  void deviceErrorStatusFailsTheCommandButKeepsTheReply() {
    hub.device("d1").onMethod("reboot", MethodReply.respond(500, "{\"error\":\"busy\"}")).connect();
    CommandOutcome o = client.send("d1", Command.named("reboot").build(), DeliveryStrategy.directMethod());
    assertThat(o.status()).isEqualTo(CommandStatus.FAILED);
    assertThat(o.methodResponse()).map(MethodResponse::status).contains(500);
    assertThat(o.hubError()).isEmpty();
  }

  @Test
  void offlineDeviceFailsFastWithZeroConnectTimeout() {
    hub.device("d1");
    CommandOutcome o = client.send("d1", Command.named("reboot").build(), DeliveryStrategy.directMethod());
    assertThat(o.status()).isEqualTo(CommandStatus.DEVICE_OFFLINE);
    assertThat(o.hubError()).contains(HubError.DEVICE_NOT_ONLINE);
  }

  @Test
  void offlineDeviceSucceedsWhenItConnectsWithinTheConnectTimeout() {
    hub.device("d1").onMethod("reboot", MethodReply.respond(200, "{}")).connectAfter(Duration.ofSeconds(20));
    CommandHandle h = client.sendAsync("d1", Command.named("reboot").build(),
        DirectMethod.custom().connectTimeout(Duration.ofSeconds(30)).build());
    hub.advance(Duration.ofSeconds(19));
    assertThat(h.status()).isEqualTo(CommandStatus.QUEUED); // the hub is still waiting for the device
    hub.advance(Duration.ofSeconds(1));
    assertThat(h.outcome().join().status()).isEqualTo(CommandStatus.SUCCEEDED);
  }

  @Test
  void lateReplyTimesOut() {
    hub.device("d1").onMethod("flash", MethodReply.respond(200, "{}").after(Duration.ofSeconds(31))).connect();
    CommandHandle h = client.sendAsync("d1", Command.named("flash").build(), DeliveryStrategy.directMethod());
    hub.advance(Duration.ofSeconds(30));
    CommandOutcome o = h.outcome().join();
    assertThat(o.status()).isEqualTo(CommandStatus.TIMED_OUT);
    assertThat(o.hubError()).contains(HubError.GATEWAY_TIMEOUT);
  }

  @Test
  void unknownDeviceFails() {
    CommandOutcome o = client.send("ghost", Command.named("x").build(), DeliveryStrategy.directMethod());
    assertThat(o.status()).isEqualTo(CommandStatus.FAILED);
    assertThat(o.hubError()).contains(HubError.DEVICE_NOT_FOUND);
  }

  @Test
  void cloudToDeviceCompletedByTheDeviceIsDeliveredOnceFeedbackArrives() {
    hub.device("d1").connect();
    CommandHandle h = client.sendAsync("d1", Command.named("setpoint").jsonPayload(21).build(),
        DeliveryStrategy.cloudToDevice());
    assertThat(h.status()).isEqualTo(CommandStatus.SENT);
    hub.advance(Duration.ofSeconds(15)); // the feedback batch interval
    CommandOutcome o = h.outcome().join();
    assertThat(o.status()).isEqualTo(CommandStatus.DELIVERED);
    assertThat(o.inferred()).isFalse();
    assertThat(o.detail()).isEqualTo("feedback Success");
    assertThat(hub.device("d1").receivedMessages()).singleElement().satisfies(m ->
        assertThat(m.message().properties()).containsEntry(Command.NAME_PROPERTY, "setpoint"));
  }

  @Test
  void cloudToDeviceToAnOfflineDeviceExpires() {
    hub.device("d1");
    CommandHandle h = client.sendAsync("d1", Command.named("x").build(), c2d(Duration.ofMinutes(10), Acknowledgement.FULL));
    hub.advance(Duration.ofMinutes(10).plusSeconds(15));
    assertThat(h.outcome().join().status()).isEqualTo(CommandStatus.EXPIRED);
  }

  @Test
  void cloudToDeviceRejectedByTheDevice() {
    hub.device("d1").replyToMessages(MessageReply.reject()).connect();
    CommandHandle h = client.sendAsync("d1", Command.named("x").build(), DeliveryStrategy.cloudToDevice());
    hub.advance(Duration.ofSeconds(15));
    assertThat(h.outcome().join().status()).isEqualTo(CommandStatus.REJECTED);
  }

  @Test
  void cloudToDeviceAbandonedTenTimesExceedsTheDeliveryCount() {
    hub.device("d1").onMessage(m -> MessageReply.abandon()).connect();
    CommandHandle h = client.sendAsync("d1", Command.named("x").build(), DeliveryStrategy.cloudToDevice());
    hub.advance(Duration.ofSeconds(15));
    assertThat(h.outcome().join().status()).isEqualTo(CommandStatus.DELIVERY_COUNT_EXCEEDED);
    assertThat(hub.device("d1").receivedMessages()).hasSize(10);
  }

  @Test
  void purgedQueueCompletesCommandsAsPurged() {
    hub.device("d1");
    CommandHandle h = client.sendAsync("d1", Command.named("x").build(), DeliveryStrategy.cloudToDevice());
    hub.purge("d1");
    hub.flushFeedback();
    assertThat(h.outcome().join().status()).isEqualTo(CommandStatus.PURGED);
  }

  @Test
  void ackNoneCompletesAsAcceptedOnceQueued() {
    hub.device("d1");
    CommandHandle h = client.sendAsync("d1", Command.named("x").build(), c2d(Duration.ofHours(1), Acknowledgement.NONE));
    CommandOutcome o = h.outcome().join();
    assertThat(o.status()).isEqualTo(CommandStatus.ACCEPTED);
    assertThat(hub.queueDepth("d1")).isEqualTo(1);
  }

  @Test
  void positiveOnlyAckInfersNotDeliveredAfterExpiryPlusWindow() {
    hub.device("d1");
    CommandHandle h = client.sendAsync("d1", Command.named("x").build(), c2d(Duration.ofMinutes(1), Acknowledgement.POSITIVE));
    hub.advance(Duration.ofMinutes(1).plus(client.feedbackWindow()).minusMillis(1));
    assertThat(h.status()).isEqualTo(CommandStatus.SENT);
    hub.advance(Duration.ofMillis(1));
    CommandOutcome o = h.outcome().join();
    assertThat(o.status()).isEqualTo(CommandStatus.NOT_DELIVERED);
    assertThat(o.inferred()).isTrue();
    assertThat(o.detail()).contains("inferred not delivered");
  }

  @Test
  void positiveOnlyAckReportsDeliveryWithoutInference() {
    hub.device("d1").connect();
    CommandHandle h = client.sendAsync("d1", Command.named("x").build(), c2d(Duration.ofMinutes(1), Acknowledgement.POSITIVE));
    hub.advance(Duration.ofSeconds(15));
    assertThat(h.outcome().join()).satisfies(o -> {
      assertThat(o.status()).isEqualTo(CommandStatus.DELIVERED);
      assertThat(o.inferred()).isFalse();
    });
  }

  @Test
  void negativeOnlyAckInfersDeliveredAfterExpiryPlusWindow() {
    hub.device("d1").connect();
    CommandHandle h = client.sendAsync("d1", Command.named("x").build(), c2d(Duration.ofMinutes(1), Acknowledgement.NEGATIVE));
    hub.advance(Duration.ofMinutes(6));
    CommandOutcome o = h.outcome().join();
    assertThat(o.status()).isEqualTo(CommandStatus.DELIVERED);
    assertThat(o.inferred()).isTrue();
  }

  @Test
  void negativeOnlyAckReportsRejectionWithoutInference() {
    hub.device("d1").replyToMessages(MessageReply.reject()).connect();
    CommandHandle h = client.sendAsync("d1", Command.named("x").build(), c2d(Duration.ofMinutes(1), Acknowledgement.NEGATIVE));
    hub.advance(Duration.ofSeconds(15));
    assertThat(h.outcome().join().status()).isEqualTo(CommandStatus.REJECTED);
  }

  @Test
  void fullAckWithoutFeedbackFailsAfterExpiryPlusWindow() {
    hub.device("d1").connect();
    // Another receiver takes the feedback first: this client never sees it.
    try (CommandClient thief = CommandClient.builder().transport(hub.transport()).build();
        CommandClient victim = CommandClient.builder().transport(hub.transport()).build()) {
      client.close(); // leave exactly two competing receivers: thief gets the first batch
      CommandHandle h = victim.sendAsync("d1", Command.named("x").build(), c2d(Duration.ofMinutes(1), Acknowledgement.FULL));
      hub.advance(Duration.ofMinutes(6).plusSeconds(15));
      CommandOutcome o = h.outcome().join();
      assertThat(o.status()).isEqualTo(CommandStatus.FAILED);
      assertThat(o.detail()).contains("feedback was lost or consumed by another receiver");
    }
  }

  @Test
  void queueFullFailsWithTheHubError() {
    hub.device("d1");
    for (int i = 0; i < 50; i++) {
      client.sendAsync("d1", Command.named("x").build(), DeliveryStrategy.cloudToDevice());
    }
    CommandOutcome o = client.send("d1", Command.named("x").build(), DeliveryStrategy.cloudToDevice());
    assertThat(o.status()).isEqualTo(CommandStatus.FAILED);
    assertThat(o.hubError()).contains(HubError.QUEUE_DEPTH_EXCEEDED);
  }

  @Test
  void listenersSeeEveryTransitionAndExactlyOneTerminalEvent() {
    hub.device("d1").connect();
    CommandHandle h = client.sendAsync("d1", Command.named("x").build(), DeliveryStrategy.cloudToDevice());
    hub.advance(Duration.ofSeconds(15));
    hub.advance(Duration.ofHours(2)); // the deadline was cancelled: no second terminal event
    assertThat(events).extracting(e -> e.previous().orElse(null), CommandEvent::status).containsExactly(
        org.assertj.core.groups.Tuple.tuple(null, CommandStatus.QUEUED),
        org.assertj.core.groups.Tuple.tuple(CommandStatus.QUEUED, CommandStatus.SENT),
        org.assertj.core.groups.Tuple.tuple(CommandStatus.SENT, CommandStatus.DELIVERED));
    assertThat(events.get(2).outcome()).contains(h.outcome().join());
  }

  @Test
  void aThrowingListenerDoesNotStopTheCommand() {
    try (CommandClient c = CommandClient.builder().transport(hub.transport())
        .listener(e -> { throw new IllegalStateException("boom"); }).build()) {
      hub.device("d1").onMethod("x", MethodReply.respond(200, "{}")).connect();
      assertThat(c.send("d1", Command.named("x").build(), DeliveryStrategy.directMethod()).status())
          .isEqualTo(CommandStatus.SUCCEEDED);
    }
  }

  @Test
  void threeStepSequenceRunsInOrderAfterEachTerminalOutcome() {
    hub.device("d1").onMethod("install", MethodReply.respond(200, "{}")).onMethod("reboot", MethodReply.respond(200, "{}"))
        .connect();
    SequencePlan plan = SequencePlan.forDevice("d1")
        .then(Command.named("download").build(), DeliveryStrategy.cloudToDevice())
        .then(Command.named("install").build(), DeliveryStrategy.directMethod())
        .then(Command.named("reboot").build(), DeliveryStrategy.directMethod())
        .build();
    var result = client.runAsync(plan);
    assertThat(hub.device("d1").methodCalls()).isEmpty(); // install waits for download's feedback
    hub.advance(Duration.ofSeconds(15));
    SequenceResult r = result.join();
    assertThat(r.succeeded()).isTrue();
    assertThat(r.steps()).extracting(s -> s.outcome().orElseThrow().status())
        .containsExactly(CommandStatus.DELIVERED, CommandStatus.SUCCEEDED, CommandStatus.SUCCEEDED);
    assertThat(hub.device("d1").methodCalls()).extracting(c -> c.methodName()).containsExactly("install", "reboot");
  }

  @Test
  void sequenceStopsAtTheFirstFailureAndReportsEveryStep() {
    hub.device("d1").onMethod("install", MethodReply.respond(500, "{}")).onMethod("reboot", MethodReply.respond(200, "{}"))
        .connect();
    SequenceResult r = client.run(SequencePlan.forDevice("d1")
        .then(Command.named("prepare").build(), CloudToDevice.custom().acknowledgement(Acknowledgement.NONE).build())
        .then(Command.named("install").build(), DeliveryStrategy.directMethod())
        .then(Command.named("reboot").build(), DeliveryStrategy.directMethod())
        .build());
    assertThat(r.succeeded()).isFalse();
    assertThat(r.steps()).extracting(SequenceResult.StepResult::wasRun).containsExactly(true, true, false);
    assertThat(r.failedStep()).hasValueSatisfying(s -> assertThat(s.index()).isEqualTo(1));
    assertThat(hub.device("d1").methodCalls()).extracting(c -> c.methodName()).containsExactly("install");
  }

  @Test
  void realTimeHubWorksWithBlockingSend() {
    try (FakeHub live = FakeHub.realTime();
        CommandClient c = CommandClient.builder().transport(live.transport()).build()) {
      live.device("d1").onMethod("ping", MethodReply.respond(200, "\"pong\"").after(Duration.ofMillis(50))).connect();
      CommandOutcome o = c.send("d1", Command.named("ping").build(), DeliveryStrategy.directMethod());
      assertThat(o.methodResponse()).map(MethodResponse::payloadJson).contains("\"pong\"");
    }
  }
}
