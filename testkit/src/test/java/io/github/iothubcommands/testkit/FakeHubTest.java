package io.github.iothubcommands.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandHandle;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.DirectMethod;
import io.github.iothubcommands.engine.VirtualTime;
import io.github.iothubcommands.spi.FeedbackStatus;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Simulated devices' scripted behaviour and faults, and the hub's inspection methods. */
@Timeout(10)
class FakeHubTest {
  private final FakeHub hub = FakeHub.create();
  private final CommandClient client = CommandClient.builder().transport(hub.transport()).build();

  @AfterEach
  void close() {
    client.close();
    hub.close();
  }

  private CommandHandle call(String device, String method) {
    return client.sendAsync(device, Command.named(method).build(), DeliveryStrategy.directMethod());
  }

  @Test
  void takeMethodsReturnWhatTheHubSawInOrderAndNullWhenNothingCame() throws InterruptedException {
    hub.device("d1").connect();
    client.sendAsync("d1", Command.named("a").build(), DeliveryStrategy.cloudToDevice());
    call("d1", "b");
    assertThat(hub.takeMessage(Duration.ofSeconds(1)).properties()).containsEntry(Command.NAME_PROPERTY, "a");
    assertThat(hub.takeInvocation(Duration.ofSeconds(1)).methodName()).isEqualTo("b");
    assertThat(hub.takeMessage(Duration.ofMillis(10))).isNull();
    assertThat(hub.takeFeedback(Duration.ofMillis(10))).isNull();
    hub.advance(Duration.ofSeconds(15));
    assertThat(hub.takeFeedback(Duration.ofSeconds(1)).status()).isEqualTo(FeedbackStatus.SUCCESS);
    assertThat(hub.messageCount()).isEqualTo(1);
    assertThat(hub.invocationCount()).isEqualTo(1);
  }

  @Test
  void methodWithoutHandlerIsAnswered501() {
    hub.device("d1").connect();
    CommandOutcome o = call("d1", "unknown").outcome().join();
    assertThat(o.status()).isEqualTo(CommandStatus.FAILED);
    assertThat(o.methodResponse().orElseThrow().status()).isEqualTo(SimulatedDevice.NO_HANDLER_STATUS);
  }

  @Test
  void stallingMethodTimesOut() {
    hub.device("d1").onMethod("hang", MethodReply.stall()).connect();
    CommandHandle h = call("d1", "hang");
    hub.advance(Duration.ofSeconds(30));
    assertThat(h.outcome().join().status()).isEqualTo(CommandStatus.TIMED_OUT);
  }

  @Test
  void disconnectMidCallDropsTheDeviceAndTheCallTimesOut() {
    SimulatedDevice d = hub.device("d1").onMethod("crash", MethodReply.disconnect()).connect();
    CommandHandle h = call("d1", "crash");
    assertThat(d.isConnected()).isFalse();
    hub.advance(Duration.ofSeconds(30));
    assertThat(h.outcome().join().status()).isEqualTo(CommandStatus.TIMED_OUT);
    assertThat(call("d1", "crash").outcome().join().status()).isEqualTo(CommandStatus.DEVICE_OFFLINE);
  }

  @Test
  void delayedReplyWithinTheTimeoutSucceeds() {
    hub.device("d1").onMethod("slow", MethodReply.respond(200, "{}").after(Duration.ofSeconds(29))).connect();
    CommandHandle h = call("d1", "slow");
    hub.advance(Duration.ofSeconds(28));
    assertThat(h.status()).isEqualTo(CommandStatus.QUEUED); // sent is known only from the device's answer
    hub.advance(Duration.ofSeconds(1));
    assertThat(h.outcome().join().status()).isEqualTo(CommandStatus.SUCCEEDED);
  }

  @Test
  void stalledMessageReturnsToTheQueueWhenItsLockExpires() {
    SimulatedDevice d = hub.device("d1").replyToMessages(MessageReply.stall()).connect();
    CommandHandle h = client.sendAsync("d1", Command.named("x").build(), DeliveryStrategy.cloudToDevice());
    hub.advance(Duration.ofSeconds(59));
    assertThat(d.receivedMessages()).hasSize(1);
    hub.advance(Duration.ofSeconds(1));
    assertThat(d.receivedMessages()).extracting(m -> m.deliveryCount()).containsExactly(1, 2);
    hub.advance(Duration.ofSeconds(15));
    assertThat(h.outcome().join().status()).isEqualTo(CommandStatus.DELIVERED);
  }

  @Test
  void messageDisconnectFaultLeavesTheMessageLockedUntilReconnectAfterLockExpiry() {
    SimulatedDevice d = hub.device("d1").replyToMessages(MessageReply.disconnect()).connect();
    CommandHandle h = client.sendAsync("d1", Command.named("x").build(), DeliveryStrategy.cloudToDevice());
    assertThat(d.isConnected()).isFalse();
    d.connect();
    assertThat(d.receivedMessages()).hasSize(1); // still locked
    hub.advance(Duration.ofMinutes(1));
    assertThat(d.receivedMessages()).hasSize(2);
    hub.advance(Duration.ofSeconds(15));
    assertThat(h.outcome().join().status()).isEqualTo(CommandStatus.DELIVERED);
  }

  @Test
  void aDeviceThatDisconnectsBeforeItsLateCompleteCannotSettle() {
    SimulatedDevice d = hub.device("d1")
        .replyToMessages(MessageReply.complete().after(Duration.ofSeconds(10)))
        .connect()
        .disconnectAfter(Duration.ofSeconds(5));
    client.sendAsync("d1", Command.named("x").build(), DeliveryStrategy.cloudToDevice());
    hub.advance(Duration.ofSeconds(5));
    assertThat(d.isConnected()).isFalse();
    hub.advance(Duration.ofSeconds(5)); // a disconnected device cannot settle: the message stays locked
    assertThat(hub.queueDepth("d1")).isEqualTo(1);
  }

  @Test
  void connectAfterDispatchesWaitingCalls() {
    hub.device("d1").onMethod("m", MethodReply.respond(200, "{}")).connectAfter(Duration.ofSeconds(3));
    CommandHandle h = client.sendAsync("d1", Command.named("m").build(),
        DirectMethod.custom().connectTimeout(Duration.ofSeconds(5)).build());
    hub.advance(Duration.ofSeconds(3));
    assertThat(h.outcome().join().status()).isEqualTo(CommandStatus.SUCCEEDED);
  }

  @Test
  void advanceNeedsVirtualTime() {
    try (FakeHub live = FakeHub.realTime()) {
      assertThatThrownBy(() -> live.advance(Duration.ofSeconds(1)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("advance() needs virtual time");
    }
  }

  @Test
  void scriptedPayloadMustBeJson() {
    assertThatThrownBy(() -> MethodReply.respond(200, "not json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("payloadJson must be well-formed JSON");
  }

  @Test
  void hubOnAGivenTimeSourceMovesOnlyWithThatClock() {
    VirtualTime clock = new VirtualTime();
    try (FakeHub driven = FakeHub.builder().timeSource(clock).build()) {
      SimulatedDevice device = driven.device("d1").connectAfter(Duration.ofSeconds(5));
      assertThat(driven.time()).isSameAs(clock);
      assertThat(driven.transport().timeSource()).containsSame(clock);
      assertThatThrownBy(() -> driven.advance(Duration.ofSeconds(5))).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("advance that clock");
      assertThat(device.isConnected()).isFalse();
      clock.advance(Duration.ofSeconds(5));
      assertThat(device.isConnected()).isTrue();
    }
  }

  @Test
  void nullTimeSourceIsRefusedNamingTheField() {
    assertThatThrownBy(() -> FakeHub.builder().timeSource(null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeSource");
  }
}
