package io.github.iothubcommands.testkit.assertj;

import static io.github.iothubcommands.testkit.assertj.HubAssertions.assertThat;
import static io.github.iothubcommands.testkit.assertj.HubAssertions.assertThatEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandEvent;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.DirectMethod;
import io.github.iothubcommands.HubError;
import io.github.iothubcommands.spi.FeedbackStatus;
import io.github.iothubcommands.testkit.ClientOnHub;
import io.github.iothubcommands.testkit.FakeHub;
import io.github.iothubcommands.testkit.MethodReply;
import io.github.iothubcommands.testkit.junit.FakeHubExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The assertions pass on what happened and fail, with a message that says what happened instead. */
@Timeout(10)
@ExtendWith(FakeHubExtension.class)
class HubAssertionsTest {
  private final FakeHub hub;
  private final ClientOnHub on;
  private final CommandClient client;
  private final List<CommandEvent> events;

  HubAssertionsTest(FakeHub hub) {
    this.hub = hub;
    this.on = new ClientOnHub(hub);
    this.client = on.client;
    this.events = on.events;
  }

  @AfterEach
  void close() {
    on.close();
  }

  // ------------------------------------------------------------ the hub

  @Test
  void hubAssertionsPassOnWhatTheHubSaw() {
    hub.device("lamp").onMethod("on", MethodReply.respond(200, "{}")).connect();
    hub.device("pump").connect();
    on.callAndWait("lamp", "on");
    String c2d = on.send("pump", "start");
    hub.advance(Duration.ofSeconds(15));

    assertThat(hub)
        .hasMessageCount(1).hasMessageCountFor("pump", 1).hasReceivedMessageFor("pump").hasNoMessageFor("lamp")
        .hasInvocationCount(1).hasInvocationCountFor("lamp", 1).hasReceivedInvocation("lamp", "on")
        .hasFeedbackCount(1).hasFeedbackFor(c2d, FeedbackStatus.SUCCESS)
        .hasQueueDepth("pump", 0).hasDroppedNoRecords();
  }

  @Test
  void aMissingMessageIsReportedWithTheMessagesTheHubDidAccept() {
    hub.device("pump").connect();
    hub.device("fan");
    on.send("pump", "start");
    assertThatThrownBy(() -> assertThat(hub).hasReceivedMessageFor("fan"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContainingAll("Expecting the hub", "to have accepted a message for device fan, but it accepted none",
            "messages kept (not taken): [pump:start]");
    assertThatThrownBy(() -> assertThat(hub).hasNoMessageFor("pump"))
        .hasMessageContaining("to have accepted no message for device pump, but it accepted 1");
    assertThatThrownBy(() -> assertThat(hub).hasMessageCount(2))
        .hasMessageContaining("to have accepted 2 messages, but it accepted 1");
  }

  @Test
  void aMissingCallIsReportedWithTheCallsTheHubKept() {
    hub.device("lamp").connect();
    on.callAndWait("lamp", "off");
    assertThatThrownBy(() -> assertThat(hub).hasReceivedInvocation("lamp", "on"))
        .hasMessageContainingAll("to have received a call of method on on device lamp, but it did not",
            "method calls kept (not taken): [lamp:off]");
    assertThatThrownBy(() -> assertThat(hub).hasInvocationCountFor("lamp", 2))
        .hasMessageContaining("to have received 2 method calls for device lamp, but it received 1");
  }

  @Test
  void missingFeedbackIsReportedWithAReminderThatItIsBatched() {
    hub.device("pump").connect();
    String id = on.send("pump", "start");
    assertThatThrownBy(() -> assertThat(hub).hasFeedbackFor(id, FeedbackStatus.SUCCESS))
        .hasMessageContainingAll("to have emitted feedback SUCCESS for command " + id, "feedback is batched",
            "feedback records kept (not taken): []");
    hub.flushFeedback();
    assertThat(hub).hasFeedbackFor(id, FeedbackStatus.SUCCESS);
    assertThatThrownBy(() -> assertThat(hub).hasFeedbackFor(id, FeedbackStatus.REJECTED))
        .hasMessageContaining("feedback records kept (not taken): [" + id + ":SUCCESS]");
  }

  @Test
  void droppedRecordsAreReportedWithHowToKeepMore() {
    try (FakeHub small = FakeHub.builder().recordLimit(1).build();
        CommandClient c = CommandClient.builder().transport(small.transport()).build()) {
      small.device("pump").connect();
      c.sendAsync("pump", Command.named("a").build(), DeliveryStrategy.cloudToDevice());
      c.sendAsync("pump", Command.named("b").build(), DeliveryStrategy.cloudToDevice());
      assertThatThrownBy(() -> assertThat(small).hasDroppedNoRecords())
          .hasMessageContainingAll("its record limit of 1 dropped 2", "FakeHub.builder().recordLimit(n)",
              "@FakeHubSettings(recordLimit = n)");
      assertThatThrownBy(() -> assertThat(small).hasMessageCount(3))
          .hasMessageContaining("messages kept (not taken), after the record limit dropped 2 records: [pump:b]");
    }
  }

  @Test
  void deviceIdsWithPercentSignsAppearVerbatim() {
    hub.device("50%-dimmer");
    assertThatThrownBy(() -> assertThat(hub).hasMessageCountFor("50%-dimmer", 1))
        .hasMessageContaining("to have accepted 1 messages for device 50%-dimmer, but it accepted 0");
  }

  @Test
  void aWrongQueueDepthIsReported() {
    hub.device("pump");
    on.send("pump", "start");
    assertThatThrownBy(() -> assertThat(hub).hasQueueDepth("pump", 0))
        .hasMessageContaining("to have 0 messages queued for device pump, but it had 1");
  }

  @Test
  void aNullHubFailsAsAssertjDoes() {
    assertThatThrownBy(() -> assertThat((FakeHub) null).hasMessageCount(0))
        .isInstanceOf(AssertionError.class).hasMessageContaining("Expecting actual not to be null");
  }

  // ------------------------------------------------------------ outcomes

  @Test
  void outcomeAssertionsPassOnTheOutcome() {
    hub.device("lamp").onMethod("on", MethodReply.respond(200, "{\"on\":true}")).connect();
    assertThat(on.callAndWait("lamp", "on")).hasStatus(CommandStatus.SUCCEEDED).isSuccess().hasMethodStatus(200)
        .hasMethodPayload("{\"on\":true}").hasNoHubError().hasDetailContaining("status 200");
  }

  @Test
  void aWrongStatusIsReportedWithTheCommandTheDeviceAndTheDetail() {
    hub.device("lamp").onMethod("on", MethodReply.respond(500, "{\"error\":\"busy\"}")).connect();
    CommandOutcome failed = on.callAndWait("lamp", "on");
    assertThat(failed).isNotSuccess().hasMethodStatus(500);
    assertThatThrownBy(() -> assertThat(failed).hasStatus(CommandStatus.SUCCEEDED))
        .isInstanceOf(AssertionError.class)
        .hasMessageContainingAll("Expecting the outcome of command " + failed.commandId() + " for device lamp",
            "to have status SUCCEEDED, but was FAILED", "detail=device answered with status 500");
    assertThatThrownBy(() -> assertThat(failed).isSuccess())
        .hasMessageContaining("to be a success, but its status was FAILED");
    assertThatThrownBy(() -> assertThat(failed).hasMethodStatus(200))
        .hasMessageContaining("to have a device reply with status 200, but the reply was 500 {\"error\":\"busy\"}");
    assertThatThrownBy(() -> assertThat(failed).hasMethodPayload("{}"))
        .hasMessageContaining("to have a device reply with payload {}, but the payload was {\"error\":\"busy\"}");
  }

  @Test
  void hubErrorsAreComparedAndReportedWithTheirCodes() {
    hub.device("lamp");
    CommandOutcome offline = client.send("lamp", Command.named("on").build(),
        DirectMethod.custom().connectTimeout(Duration.ZERO).build());
    assertThat(offline).hasStatus(CommandStatus.DEVICE_OFFLINE).hasHubError(HubError.DEVICE_NOT_ONLINE)
        .isNotSuccess();
    assertThatThrownBy(() -> assertThat(offline).hasHubError(HubError.GATEWAY_TIMEOUT))
        .hasMessageContaining("to have hub error GATEWAY_TIMEOUT (504101), but had DEVICE_NOT_ONLINE (404103)");
    assertThatThrownBy(() -> assertThat(offline).hasNoHubError())
        .hasMessageContaining("to have no hub error, but had DEVICE_NOT_ONLINE (404103)");
    assertThatThrownBy(() -> assertThat(offline).hasMethodStatus(200))
        .hasMessageContaining("to have a device reply with status 200, but the device did not reply");
    assertThatThrownBy(() -> assertThat(offline).isInferred())
        .hasMessageContaining("to be inferred, but the status DEVICE_OFFLINE was reported");
    assertThatThrownBy(() -> assertThat(offline).hasDetailContaining("rebooting"))
        .hasMessageContaining("to have a detail containing \"rebooting\"");
  }

  @Test
  void anOutcomeWithoutAHubErrorSaysSo() {
    hub.device("lamp").connect();
    CommandOutcome noHandler = on.callAndWait("lamp", "on");
    assertThatThrownBy(() -> assertThat(noHandler).hasHubError(HubError.DEVICE_NOT_ONLINE))
        .hasMessageContaining("to have hub error DEVICE_NOT_ONLINE (404103), but had none");
  }

  // ------------------------------------------------------------ events

  @Test
  void eventAssertionsFollowOneCommandThroughItsTransitions() {
    hub.device("pump").connect();
    String id = on.send("pump", "start");
    hub.advance(Duration.ofSeconds(15));

    assertThatEvents(events).hasStatusesFor(id, CommandStatus.QUEUED, CommandStatus.SENT, CommandStatus.DELIVERED);
    assertThat(events.get(0)).hasStatus(CommandStatus.QUEUED).isTransition(null, CommandStatus.QUEUED);
    assertThat(events.get(2)).isTransition(CommandStatus.SENT, CommandStatus.DELIVERED)
        .hasOutcome().hasStatus(CommandStatus.DELIVERED).isSuccess();
  }

  @Test
  void wrongEventsAreReportedWithWhatHappened() {
    hub.device("pump").connect();
    String id = on.send("pump", "start");
    assertThatThrownBy(() -> assertThatEvents(events).hasStatusesFor(id, CommandStatus.QUEUED, CommandStatus.DELIVERED))
        .hasMessageContainingAll("Expecting the events of command " + id, "[QUEUED, DELIVERED]",
            "but they had", "[QUEUED, SENT]");
    assertThatThrownBy(() -> assertThat(events.get(1)).isTransition(null, CommandStatus.QUEUED))
        .hasMessageContaining("to be the transition null -> QUEUED, but was QUEUED -> SENT");
    assertThatThrownBy(() -> assertThat(events.get(1)).hasStatus(CommandStatus.DELIVERED))
        .hasMessageContaining("to have status DELIVERED, but was SENT");
    assertThatThrownBy(() -> assertThat(events.get(1)).hasOutcome())
        .hasMessageContaining("to carry an outcome, but its status SENT is not terminal");
  }
}
