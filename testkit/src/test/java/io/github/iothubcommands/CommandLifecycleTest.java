package io.github.iothubcommands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.github.iothubcommands.engine.VirtualTime;
import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.FeedbackReceiver;
import io.github.iothubcommands.spi.FeedbackRecord;
import io.github.iothubcommands.spi.FeedbackStatus;
import io.github.iothubcommands.spi.FeedbackSubscription;
import io.github.iothubcommands.spi.HubTransport;
import io.github.iothubcommands.spi.MethodInvocation;
import io.github.iothubcommands.spi.TimeSource;
import io.github.iothubcommands.testkit.FakeHub;
import io.github.iothubcommands.testkit.MethodReply;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every path through the documented lifecycle: QUEUED, SENT once the hub accepted the command, one terminal
 * status — whatever the hub or the transport does.
 */
@Timeout(10)
class CommandLifecycleTest {
  private final VirtualTime time = new VirtualTime();
  private final List<CommandEvent> events = new CopyOnWriteArrayList<>();

  private CommandClient client(HubTransport transport) {
    return CommandClient.builder().transport(transport).timeSource(time).listener(events::add).build();
  }

  private List<org.assertj.core.groups.Tuple> transitions() {
    return events.stream().map(e -> tuple(e.previous().orElse(null), e.status())).toList();
  }

  @Test
  void aMethodTheHubRefusesNeverReportsSent() {
    try (FakeHub hub = FakeHub.create(); CommandClient client = client(hub.transport())) {
      hub.device("d1"); // offline, connect timeout 0: 404103 at once
      CommandOutcome o = client.send("d1", Command.named("reboot").build(), DeliveryStrategy.directMethod());
      assertThat(o.status()).isEqualTo(CommandStatus.DEVICE_OFFLINE);
      assertThat(transitions()).containsExactly(tuple(null, CommandStatus.QUEUED),
          tuple(CommandStatus.QUEUED, CommandStatus.DEVICE_OFFLINE));
    }
  }

  @Test
  void aMethodTheDeviceAnswersIsSentThenSucceeded() {
    try (FakeHub hub = FakeHub.create(); CommandClient client = client(hub.transport())) {
      hub.device("d1").onMethod("ping", MethodReply.respond(200, "{}")).connect();
      client.send("d1", Command.named("ping").build(), DeliveryStrategy.directMethod());
      assertThat(transitions()).containsExactly(tuple(null, CommandStatus.QUEUED),
          tuple(CommandStatus.QUEUED, CommandStatus.SENT), tuple(CommandStatus.SENT, CommandStatus.SUCCEEDED));
    }
  }

  @Test
  void aMethodTheDeviceLeftUnansweredIsSentThenTimedOut() {
    try (FakeHub hub = FakeHub.create(); CommandClient client = CommandClient.builder().transport(hub.transport())
        .listener(events::add).build()) {
      hub.device("d1").onMethod("flash", MethodReply.stall()).connect();
      CommandHandle h = client.sendAsync("d1", Command.named("flash").build(), DeliveryStrategy.directMethod());
      hub.advance(DirectMethod.DEFAULT_RESPONSE_TIMEOUT);
      assertThat(h.outcome().join().hubError()).contains(HubError.GATEWAY_TIMEOUT);
      assertThat(transitions()).containsExactly(tuple(null, CommandStatus.QUEUED),
          tuple(CommandStatus.QUEUED, CommandStatus.SENT), tuple(CommandStatus.SENT, CommandStatus.TIMED_OUT));
    }
  }

  @Test
  void aRefusedCloudToDeviceSendGoesFromQueuedToFailed() {
    try (FakeHub hub = FakeHub.create(); CommandClient client = client(hub.transport())) {
      CommandOutcome o = client.send("ghost", Command.named("x").build(), DeliveryStrategy.cloudToDevice());
      assertThat(o.hubError()).contains(HubError.DEVICE_NOT_FOUND);
      assertThat(transitions()).containsExactly(tuple(null, CommandStatus.QUEUED),
          tuple(CommandStatus.QUEUED, CommandStatus.FAILED));
    }
  }

  @Test
  void acknowledgementNoneIsSentThenAccepted() {
    try (FakeHub hub = FakeHub.create(); CommandClient client = client(hub.transport())) {
      hub.device("d1");
      client.send("d1", Command.named("x").build(),
          CloudToDevice.custom().acknowledgement(Acknowledgement.NONE).build());
      assertThat(transitions()).containsExactly(tuple(null, CommandStatus.QUEUED),
          tuple(CommandStatus.QUEUED, CommandStatus.SENT), tuple(CommandStatus.SENT, CommandStatus.ACCEPTED));
    }
  }

  @Test
  void feedbackThatOvertakesTheSendsAnswerStillPassesThroughSent() {
    FeedbackFirstTransport transport = new FeedbackFirstTransport(time);
    try (CommandClient client = client(transport)) {
      CommandHandle h = client.sendAsync("d1", Command.named("x").build(), DeliveryStrategy.cloudToDevice());
      assertThat(h.outcome().join().status()).isEqualTo(CommandStatus.DELIVERED);
      assertThat(transitions()).containsExactly(tuple(null, CommandStatus.QUEUED),
          tuple(CommandStatus.QUEUED, CommandStatus.SENT), tuple(CommandStatus.SENT, CommandStatus.DELIVERED));
      assertThat(transport.acknowledged).isTrue();
    }
  }

  @Test
  void aTransportReturningNullFailsTheCommandAndReleasesItsId() {
    StubTransport nulls = new StubTransport(time) {
      @Override
      public @Nullable CompletableFuture<Void> sendCloudToDevice(CloudToDeviceMessage message) {
        return null;
      }

      @Override
      public @Nullable CompletableFuture<MethodResponse> invokeMethod(MethodInvocation invocation) {
        return null;
      }
    };
    try (CommandClient client = client(nulls)) {
      Command c = Command.named("x").build();
      for (DeliveryStrategy strategy : List.of(DeliveryStrategy.cloudToDevice(), DeliveryStrategy.directMethod())) {
        CommandOutcome o = client.send("d1", c, strategy); // same id twice: the first released it
        assertThat(o.status()).isEqualTo(CommandStatus.FAILED);
        assertThat(o.hubError()).contains(HubError.UNKNOWN);
        assertThat(o.detail()).contains("returned null from");
      }
    }
  }

  @Test
  void aMethodCallThatThrowsFailsTheCommand() {
    StubTransport throwing = new StubTransport(time) {
      @Override
      public CompletableFuture<MethodResponse> invokeMethod(MethodInvocation invocation) {
        throw new IllegalStateException("socket closed");
      }
    };
    try (CommandClient client = client(throwing)) {
      CommandOutcome o = client.send("d1", Command.named("x").build(), DeliveryStrategy.directMethod());
      assertThat(o.status()).isEqualTo(CommandStatus.FAILED);
      assertThat(o.detail()).isEqualTo("socket closed");
      assertThat(transitions()).containsExactly(tuple(null, CommandStatus.QUEUED),
          tuple(CommandStatus.QUEUED, CommandStatus.FAILED));
    }
  }

  @Test
  void aMethodAnsweredWithANullResponseFailsTheCommand() {
    StubTransport nullReply = new StubTransport(time) {
      @Override
      public CompletableFuture<MethodResponse> invokeMethod(MethodInvocation invocation) {
        return CompletableFuture.completedFuture(null);
      }
    };
    try (CommandClient client = client(nullReply)) {
      CommandOutcome o = client.send("d1", Command.named("x").build(), DeliveryStrategy.directMethod());
      assertThat(o.status()).isEqualTo(CommandStatus.FAILED);
      assertThat(o.detail()).contains("answered invokeMethod with null");
    }
  }

  @Test
  void aSendTheTransportNeverConfirmsFailsAtTheDeadlineWhateverTheAcknowledgement() {
    StubTransport silent = new StubTransport(time); // futures that never complete
    try (CommandClient client = client(silent)) {
      Duration ttl = Duration.ofMinutes(10);
      CommandHandle none = client.sendAsync("d1", Command.named("a").build(),
          CloudToDevice.custom().timeToLive(ttl).acknowledgement(Acknowledgement.NONE).build());
      CommandHandle negative = client.sendAsync("d1", Command.named("b").build(),
          CloudToDevice.custom().timeToLive(ttl).acknowledgement(Acknowledgement.NEGATIVE).build());
      time.advance(ttl.plus(client.feedbackWindow()).minusSeconds(1));
      assertThat(none.status()).isEqualTo(CommandStatus.QUEUED);
      time.advance(Duration.ofSeconds(1));
      assertThat(none.outcome().join().status()).isEqualTo(CommandStatus.FAILED);
      // not inferred delivered: the hub never confirmed it had the message
      assertThat(negative.outcome().join().status()).isEqualTo(CommandStatus.FAILED);
      assertThat(negative.outcome().join().inferred()).isFalse();
    }
  }

  @Test
  void aMethodTheTransportNeverAnswersTimesOutAfterTheGrace() {
    StubTransport silent = new StubTransport(time);
    try (CommandClient client = client(silent)) {
      CommandHandle h = client.sendAsync("d1", Command.named("x").build(), DeliveryStrategy.directMethod());
      time.advance(DirectMethod.DEFAULT_RESPONSE_TIMEOUT.plusSeconds(30));
      assertThat(h.outcome().join().status()).isEqualTo(CommandStatus.TIMED_OUT);
      assertThat(transitions()).containsExactly(tuple(null, CommandStatus.QUEUED),
          tuple(CommandStatus.QUEUED, CommandStatus.TIMED_OUT));
    }
  }

  @Test
  void anIdIsFreeAgainByTheTimeTheOutcomeArrives() {
    try (FakeHub hub = FakeHub.create(); CommandClient client = client(hub.transport())) {
      hub.device("d1").onMethod("ping", MethodReply.respond(200, "{}").after(Duration.ofSeconds(1))).connect();
      Command ping = Command.named("ping").id("ping-1").build();
      CommandHandle first = client.sendAsync("d1", ping, DeliveryStrategy.directMethod());
      // Runs while the first outcome completes: its id must already be free, or this resend is refused.
      CompletableFuture<CommandHandle> second = first.outcome()
          .thenApply(o -> client.sendAsync("d1", ping, DeliveryStrategy.directMethod()));
      hub.advance(Duration.ofSeconds(1));
      assertThat(second).isCompleted();
      hub.advance(Duration.ofSeconds(1));
      assertThat(second.join().outcome().join().status()).isEqualTo(CommandStatus.SUCCEEDED);
      assertThat(hub.device("d1").methodCallCount()).isEqualTo(2);
    }
  }

  @Test
  void aListenerThrowingAnAssertionErrorStrandsNoCommand() {
    try (FakeHub hub = FakeHub.create(); CommandClient client = CommandClient.builder().transport(hub.transport())
        .listener(e -> {
          throw new AssertionError("a failing assertion in a test's listener");
        }).build()) {
      hub.device("d1").onMethod("ping", MethodReply.respond(200, "{}")).connect();
      Command ping = Command.named("ping").id("ping-2").build();
      assertThat(client.send("d1", ping, DeliveryStrategy.directMethod()).status()).isEqualTo(CommandStatus.SUCCEEDED);
      assertThat(client.send("d1", ping, DeliveryStrategy.directMethod()).status()).isEqualTo(CommandStatus.SUCCEEDED);
    }
  }

  @Test
  void aCloudToDeviceSendRefusedWithAGatewayTimeoutIsFailedNotTimedOut() {
    StubTransport refusing = new StubTransport(time) {
      @Override
      public CompletableFuture<Void> sendCloudToDevice(CloudToDeviceMessage message) {
        return CompletableFuture.failedFuture(HubException.of(HubError.GATEWAY_TIMEOUT, "504 from the hub"));
      }
    };
    try (CommandClient client = client(refusing)) {
      CommandOutcome o = client.send("d1", Command.named("x").build(), DeliveryStrategy.cloudToDevice());
      assertThat(o.status()).isEqualTo(CommandStatus.FAILED); // TIMED_OUT is a direct-method status
      assertThat(o.hubError()).contains(HubError.GATEWAY_TIMEOUT);
    }
  }

  @Test
  void aListenerSeesQueuedBeforeTheSendReturns() {
    try (FakeHub hub = FakeHub.create(); CommandClient client = client(hub.transport())) {
      hub.device("d1");
      CommandHandle h = client.sendAsync("d1", Command.named("x").build(), DeliveryStrategy.cloudToDevice());
      assertThat(h.status()).isEqualTo(CommandStatus.SENT);
      assertThat(transitions()).containsExactly(tuple(null, CommandStatus.QUEUED),
          tuple(CommandStatus.QUEUED, CommandStatus.SENT));
    }
  }

  /** Futures that never complete; no feedback. */
  private static class StubTransport implements HubTransport {
    private final TimeSource time;

    StubTransport(TimeSource time) {
      this.time = time;
    }

    @Override
    public CompletableFuture<Void> sendCloudToDevice(CloudToDeviceMessage message) {
      return new CompletableFuture<>();
    }

    @Override
    public CompletableFuture<MethodResponse> invokeMethod(MethodInvocation invocation) {
      return new CompletableFuture<>();
    }

    @Override
    public FeedbackSubscription startFeedback(FeedbackReceiver receiver) {
      return () -> { };
    }

    @Override
    public Optional<TimeSource> timeSource() {
      return Optional.of(time);
    }

    @Override
    public void close() {}
  }

  /** Delivers the message's Success feedback from inside the send, before the send's future completes. */
  private static final class FeedbackFirstTransport extends StubTransport {
    private final TimeSource time;
    private @Nullable FeedbackReceiver receiver;
    volatile boolean acknowledged;

    FeedbackFirstTransport(TimeSource time) {
      super(time);
      this.time = time;
    }

    @Override
    public FeedbackSubscription startFeedback(FeedbackReceiver receiver) {
      this.receiver = receiver;
      return () -> { };
    }

    @Override
    public CompletableFuture<Void> sendCloudToDevice(CloudToDeviceMessage message) {
      FeedbackRecord record = FeedbackRecord.builder().originalMessageId(message.messageId())
          .deviceId(message.deviceId()).status(FeedbackStatus.SUCCESS).enqueuedTime(time.now()).build();
      receiver.receive(List.of(record)).thenRun(() -> acknowledged = true);
      return CompletableFuture.completedFuture(null);
    }
  }
}
