package io.github.iothubcommands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubcommands.engine.HubLimits;
import io.github.iothubcommands.engine.MethodRequest;
import io.github.iothubcommands.engine.VirtualTime;
import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.FeedbackReceiver;
import io.github.iothubcommands.spi.FeedbackSubscription;
import io.github.iothubcommands.spi.HubTransport;
import io.github.iothubcommands.spi.MethodInvocation;
import io.github.iothubcommands.spi.TimeSource;
import io.github.iothubcommands.testkit.FakeHub;
import io.github.iothubcommands.testkit.MessageReply;
import io.github.iothubcommands.testkit.MethodReply;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Retries, the command id on the wire, dedupe and fallback, through the client on the fake hub's virtual time. */
@Timeout(10)
class RetryAndFallbackOnFakeHubTest {
  private static final long SEED = 42;
  private static final RetryPolicy EXPONENTIAL = RetryPolicy.custom().maxAttempts(5)
      .initialBackoff(Duration.ofSeconds(1)).multiplier(2).maxBackoff(Duration.ofSeconds(30)).jitter(0.5)
      .deadline(Duration.ofMinutes(1)).build();
  /** One attempt per second, exactly. */
  private static final RetryPolicy EVERY_SECOND = RetryPolicy.custom().maxAttempts(100)
      .initialBackoff(Duration.ofSeconds(1)).multiplier(1).maxBackoff(Duration.ofSeconds(1)).jitter(0)
      .deadline(Duration.ofMinutes(10)).build();

  private final List<CommandEvent> events = new CopyOnWriteArrayList<>();
  private FakeHub hub = FakeHub.create();
  private CommandClient client = client(hub);

  private CommandClient client(FakeHub h) {
    return CommandClient.builder().transport(h.transport()).listener(events::add)
        .random(new SplittableRandom(SEED)).build();
  }

  @AfterEach
  void close() {
    client.close();
    hub.close();
  }

  /** The outcome, which on virtual time must be there once time was advanced past it (never blocks). */
  private static CommandOutcome done(CommandHandle h) {
    return h.awaitOutcome(Duration.ZERO).orElseThrow(() -> new AssertionError("no outcome yet: " + h));
  }

  private List<CommandEvent> ofKind(CommandEvent.Kind kind) {
    return events.stream().filter(e -> e.kind() == kind).toList();
  }

  private List<CommandStatus> transitions() {
    return ofKind(CommandEvent.Kind.STATUS_CHANGED).stream().map(CommandEvent::status).toList();
  }

  private static DirectMethod method(RetryPolicy retry) {
    return DirectMethod.custom().retry(retry).build();
  }

  @Test
  void aDeviceOfflineAtFirstIsRetriedWithThePolicysDelaysAndSucceeds() {
    AtomicInteger runs = new AtomicInteger();
    hub.device("pump").onMethod("start", r -> {
      runs.incrementAndGet();
      return MethodReply.respond(200, "{\"started\":true}");
    }).connectAfter(Duration.ofMillis(1500));
    Instant start = hub.now();

    CommandHandle h = client.sendAsync("pump", Command.named("start").id("start-1").build(), method(EXPONENTIAL));
    hub.advance(Duration.ofSeconds(30));

    // The delays the policy gives for the same seeded draws: attempts 1 and 2 find the device offline
    // (the second starts at most 1 s in), the third (at least 1.5 s in) finds it connected.
    SplittableRandom draws = new SplittableRandom(SEED);
    CommandOutcome offline = CommandOutcome.builder().commandId("x").deviceId("x")
        .status(CommandStatus.DEVICE_OFFLINE).completedAt(start).build();
    Duration d1 = EXPONENTIAL.nextDelay(1, offline, Duration.ZERO, draws.nextDouble()).orElseThrow();
    Duration d2 = EXPONENTIAL.nextDelay(2, offline, d1, draws.nextDouble()).orElseThrow();
    CommandOutcome o = done(h);
    assertThat(o.status()).isEqualTo(CommandStatus.SUCCEEDED);
    assertThat(o.attempts()).isEqualTo(3);
    assertThat(o.mechanism()).contains(Mechanism.DIRECT_METHOD);
    assertThat(o.completedAt()).isEqualTo(start.plus(d1).plus(d2));
    assertThat(runs).hasValue(1);
    assertThat(hub.invocationCount("pump")).isEqualTo(3);

    List<CommandEvent> retries = ofKind(CommandEvent.Kind.RETRY_SCHEDULED);
    assertThat(retries).extracting(CommandEvent::attempt).containsExactly(1, 2);
    assertThat(retries).extracting(e -> e.retryDelay().orElseThrow()).containsExactly(d1, d2);
    assertThat(retries).extracting(CommandEvent::at).containsExactly(start, start.plus(d1));
    assertThat(retries).allSatisfy(e -> {
      assertThat(e.status()).isEqualTo(CommandStatus.QUEUED);
      assertThat(e.attemptOutcome().orElseThrow().status()).isEqualTo(CommandStatus.DEVICE_OFFLINE);
      assertThat(e.attemptOutcome().orElseThrow().hubError()).contains(HubError.DEVICE_NOT_ONLINE);
    });
    assertThat(d1).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
    assertThat(d2).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
    // the status stays monotonic: the retries are events between the transitions
    assertThat(transitions()).containsExactly(CommandStatus.QUEUED, CommandStatus.SENT, CommandStatus.SUCCEEDED);
    assertThat(events).extracting(CommandEvent::kind).containsExactly(CommandEvent.Kind.STATUS_CHANGED,
        CommandEvent.Kind.RETRY_SCHEDULED, CommandEvent.Kind.RETRY_SCHEDULED, CommandEvent.Kind.STATUS_CHANGED,
        CommandEvent.Kind.STATUS_CHANGED);
    // every call carried the same command id
    assertThat(hub.recordedInvocations()).extracting(i -> DirectMethod.commandIdOf(i.payloadJson()).orElseThrow())
        .containsExactly("start-1", "start-1", "start-1");
  }

  @Test
  void theSameSeedGivesTheSameDelaysAndAnotherSeedOthers() {
    List<Duration> first = delaysOfAnOfflineDevice(SEED);
    assertThat(delaysOfAnOfflineDevice(SEED)).isEqualTo(first);
    assertThat(delaysOfAnOfflineDevice(SEED + 1)).isNotEqualTo(first);
  }

  private List<Duration> delaysOfAnOfflineDevice(long seed) {
    List<Duration> delays = new CopyOnWriteArrayList<>();
    try (FakeHub h = FakeHub.create(); CommandClient c = CommandClient.builder().transport(h.transport())
        .random(new SplittableRandom(seed))
        .listener(e -> e.retryDelay().ifPresent(delays::add)).build()) {
      h.device("sleeper");
      CommandHandle handle = c.sendAsync("sleeper", Command.named("wake").build(), method(EXPONENTIAL));
      h.advance(Duration.ofMinutes(2));
      assertThat(done(handle).attempts()).isEqualTo(5);
    }
    assertThat(delays).hasSize(4);
    return delays;
  }

  @Test
  void aPermanentErrorIsNotRetried() {
    hub.device("known").onMethod("start", MethodReply.respond(500, "{\"error\":\"jammed\"}")).connect();

    CommandHandle deviceAnswer = client.sendAsync("known", Command.named("start").build(), method(EVERY_SECOND));
    CommandHandle unknownDevice = client.sendAsync("nobody", Command.named("start").build(), method(EVERY_SECOND));
    hub.advance(Duration.ofMinutes(1));

    CommandOutcome answered = done(deviceAnswer);
    assertThat(answered.status()).isEqualTo(CommandStatus.FAILED);
    assertThat(answered.methodResponse().orElseThrow().status()).isEqualTo(500);
    assertThat(answered.attempts()).isEqualTo(1);
    CommandOutcome notFound = done(unknownDevice);
    assertThat(notFound.hubError()).contains(HubError.DEVICE_NOT_FOUND);
    assertThat(notFound.attempts()).isEqualTo(1);
    assertThat(hub.invocationCount()).isEqualTo(2);
    assertThat(ofKind(CommandEvent.Kind.RETRY_SCHEDULED)).isEmpty();
  }

  @Test
  void aFullQueueIsNotRetriedButAThrottledSendIs() {
    client.close();
    hub.close();
    hub = FakeHub.create(HubLimits.custom().tier(HubTier.S1, 1).throttleBurst(Duration.ofSeconds(1)).queueDepth(2)
        .build());
    client = client(hub);
    hub.device("lamp");
    CloudToDevice c2d = CloudToDevice.custom().acknowledgement(Acknowledgement.NONE).retry(EVERY_SECOND).build();

    CommandHandle first = client.sendAsync("lamp", Command.named("on").build(), c2d);
    CommandHandle throttled = client.sendAsync("lamp", Command.named("on").build(), c2d); // past 1.67/s
    hub.advance(Duration.ofSeconds(5));
    assertThat(done(first).attempts()).isEqualTo(1);
    CommandOutcome retried = done(throttled);
    assertThat(retried.status()).isEqualTo(CommandStatus.ACCEPTED);
    assertThat(retried.attempts()).isEqualTo(2);
    assertThat(ofKind(CommandEvent.Kind.RETRY_SCHEDULED)).singleElement()
        .satisfies(e -> assertThat(e.attemptOutcome().orElseThrow().hubError()).contains(HubError.THROTTLED));
    assertThat(hub.messageCount("lamp")).isEqualTo(2);

    CommandHandle full = client.sendAsync("lamp", Command.named("on").build(), c2d); // depth 2 reached
    hub.advance(Duration.ofSeconds(5));
    CommandOutcome refused = done(full);
    assertThat(refused.hubError()).contains(HubError.QUEUE_DEPTH_EXCEEDED);
    assertThat(refused.attempts()).isEqualTo(1);
    assertThat(ofKind(CommandEvent.Kind.RETRY_SCHEDULED)).hasSize(1);
  }

  /**
   * The ambiguous case: the hub queued the message but the connection broke before its answer. The retry
   * queues it again (same message id and command-id); a deduping device runs it once and the command has one
   * outcome, however many feedback records come.
   */
  @Test
  void aSendWhoseAnswerWasLostIsRetriedAndTheDedupingDeviceRunsItOnce() {
    client.close();
    HubTransport real = hub.transport();
    AtomicInteger sends = new AtomicInteger();
    HubTransport losesFirstAnswer = new HubTransport() {
      @Override
      public CompletableFuture<Void> sendCloudToDevice(CloudToDeviceMessage message) {
        CompletableFuture<Void> sent = real.sendCloudToDevice(message);
        return sends.incrementAndGet() > 1 ? sent : sent.thenCompose(ignored -> CompletableFuture.failedFuture(
            HubException.of(HubError.CONNECTION_FAILED, "link closed before the disposition")));
      }

      @Override
      public CompletableFuture<MethodResponse> invokeMethod(MethodInvocation invocation) {
        return real.invokeMethod(invocation);
      }

      @Override
      public FeedbackSubscription startFeedback(FeedbackReceiver receiver) {
        return real.startFeedback(receiver);
      }

      @Override
      public Optional<TimeSource> timeSource() {
        return real.timeSource();
      }

      @Override
      public void close() {
        real.close();
      }
    };
    client = CommandClient.builder().transport(losesFirstAnswer).listener(events::add).build();
    AtomicInteger runs = new AtomicInteger();
    var device = hub.device("lamp").onMessage(m -> {
      runs.incrementAndGet();
      return MessageReply.complete();
    }).dedupeCommands().connect();

    CommandHandle h = client.sendAsync("lamp", Command.named("on").id("on-9").build(),
        CloudToDevice.custom().retry(EVERY_SECOND).build());
    hub.advance(Duration.ofMinutes(1));

    CommandOutcome o = done(h);
    assertThat(o.status()).isEqualTo(CommandStatus.DELIVERED);
    assertThat(o.attempts()).isEqualTo(2);
    assertThat(hub.messageCount("lamp")).as("at least once: the hub had it twice").isEqualTo(2);
    assertThat(runs).hasValue(1);
    assertThat(device.duplicateCount()).isEqualTo(1);
    assertThat(transitions()).containsExactly(CommandStatus.QUEUED, CommandStatus.SENT, CommandStatus.DELIVERED);
  }

  @Test
  void aMessageTheHubAcceptedIsNeverSentAgainWhateverItsFeedback() {
    hub.device("valve").replyToMessages(MessageReply.reject()).connect();
    CloudToDevice c2d = CloudToDevice.custom().retry(EVERY_SECOND).build();
    CommandHandle h = client.sendAsync("valve", Command.named("close").build(), c2d);
    hub.advance(Duration.ofMinutes(1));
    assertThat(done(h).status()).isEqualTo(CommandStatus.REJECTED);
    assertThat(done(h).attempts()).isEqualTo(1);
    assertThat(hub.messageCount("valve")).isEqualTo(1);
  }

  @Test
  void theDeadlineEndsTheRetries() {
    hub.device("sleeper"); // never connects
    RetryPolicy policy = EVERY_SECOND.toBuilder().deadline(Duration.ofMillis(5500)).build();
    Instant start = hub.now();
    CommandHandle h = client.sendAsync("sleeper", Command.named("wake").build(), method(policy));
    hub.advance(Duration.ofMinutes(1));
    CommandOutcome o = done(h);
    assertThat(o.status()).isEqualTo(CommandStatus.DEVICE_OFFLINE);
    assertThat(o.attempts()).as("attempts at 0, 1, … 5 s; the next would start at 6 s, past 5.5 s").isEqualTo(6);
    assertThat(o.completedAt()).isEqualTo(start.plusSeconds(5));
    assertThat(hub.invocationCount("sleeper")).isEqualTo(6);
  }

  @Test
  void aRetriedCallRunsOnceOnADedupingDeviceAndTwiceOnOneThatDoesNot() {
    assertThat(runsOfACallRetriedAfterA504(true)).isEqualTo(1);
    assertThat(runsOfACallRetriedAfterA504(false)).as("the control: without dedupe the retry runs again")
        .isEqualTo(2);
  }

  /** The device runs the call but answers after the response timeout: 504, retried, same command id. */
  private int runsOfACallRetriedAfterA504(boolean dedupe) {
    AtomicInteger runs = new AtomicInteger();
    List<MethodRequest> seen = new ArrayList<>();
    try (FakeHub h = FakeHub.create(); CommandClient c = CommandClient.builder().transport(h.transport()).build()) {
      var device = h.device("flasher").onMethod("flash", r -> {
        seen.add(r);
        return runs.incrementAndGet() == 1 ? MethodReply.respond(200, "{\"flashed\":1}").after(Duration.ofSeconds(8))
            : MethodReply.respond(200, "{\"flashed\":" + runs.get() + "}");
      }).connect();
      if (dedupe) {
        device.dedupeCommands();
      }
      DirectMethod strategy = DirectMethod.custom().responseTimeout(Duration.ofSeconds(5)).retry(EVERY_SECOND).build();
      CommandHandle handle = c.sendAsync("flasher", Command.named("flash").id("fw-7").build(), strategy);
      h.advance(Duration.ofSeconds(30));
      CommandOutcome o = done(handle);
      assertThat(o.status()).isEqualTo(CommandStatus.SUCCEEDED);
      assertThat(o.attempts()).isEqualTo(2);
      assertThat(h.invocationCount("flasher")).isEqualTo(2);
      assertThat(device.duplicateCount()).isEqualTo(dedupe ? 1 : 0);
      if (dedupe) {
        assertThat(o.methodResponse().orElseThrow().payloadJson()).as("the first run's reply")
            .isEqualTo("{\"flashed\":1}");
      }
      assertThat(seen).allSatisfy(r -> assertThat(r.commandId()).contains("fw-7"));
    }
    return runs.get();
  }

  @Test
  void aDedupingDeviceCompletesARepeatedMessageWithoutRunningItAgain() {
    AtomicInteger runs = new AtomicInteger();
    var device = hub.device("lamp").onMessage(m -> {
      runs.incrementAndGet();
      return MessageReply.complete();
    }).dedupeCommands().connect();
    Command on = Command.named("on").id("on-1").build();
    CommandHandle first = client.sendAsync("lamp", on, DeliveryStrategy.cloudToDevice());
    hub.advance(Duration.ofSeconds(20));
    assertThat(done(first).status()).isEqualTo(CommandStatus.DELIVERED);
    CommandHandle again = client.sendAsync("lamp", on, DeliveryStrategy.cloudToDevice()); // the caller's own retry
    hub.advance(Duration.ofSeconds(20));
    assertThat(done(again).status()).isEqualTo(CommandStatus.DELIVERED);
    assertThat(runs).hasValue(1);
    assertThat(device.duplicateCount()).isEqualTo(1);
    assertThat(device.receivedMessageCount()).isEqualTo(2);
  }

  @Test
  void theCommandIdTravelsAsMessageIdAndPropertyAndInTheMethodPayload() {
    hub.device("d").connect();
    client.sendAsync("d", Command.named("x").id("id-1").property("k", "v").build(), DeliveryStrategy.cloudToDevice());
    client.sendAsync("d", Command.named("y").id("id-2").build(), DeliveryStrategy.directMethod());
    client.sendAsync("d", Command.named("y").id("id-3").rawJsonPayload(" { } ").build(),
        DeliveryStrategy.directMethod());
    client.sendAsync("d", Command.named("y").id("id-4").rawJsonPayload("[1]").build(),
        DeliveryStrategy.directMethod()); // no retry policy: sent as it is
    client.sendAsync("d", Command.named("y").id("id-5").rawJsonPayload("{\"a\":1}").build(),
        DirectMethod.custom().sendCommandId(false).build());
    hub.advance(Duration.ofSeconds(1));
    CloudToDeviceMessage m = hub.recordedMessages().get(0);
    assertThat(m.messageId()).isEqualTo("id-1");
    assertThat(m.properties()).containsEntry(Command.ID_PROPERTY, "id-1").containsEntry("k", "v");
    assertThat(hub.recordedInvocations()).extracting(i -> i.payloadJson()).containsExactly(
        "{\"$commandId\":\"id-2\"}", "{\"$commandId\":\"id-3\"}", "[1]", "{\"a\":1}");
    assertThat(DirectMethod.withoutCommandId("{\"$commandId\":\"id-2\",\"a\":[1]}")).isEqualTo("{\"a\":[1]}");
  }

  @Test
  void aCommandThatCannotCarryItsIdIsRefusedWithARetryPolicyUnlessTheIdIsTurnedOff() {
    Command array = Command.named("y").rawJsonPayload("[1,2]").build();
    assertThatThrownBy(() -> client.sendAsync("d", array, method(EVERY_SECOND)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be a JSON object (or null)").hasMessageContaining("sendCommandId(false)");
    Command clash = Command.named("y").rawJsonPayload("{\"$commandId\":\"mine\"}").build();
    assertThatThrownBy(() -> client.sendAsync("d", clash, DeliveryStrategy.directMethod()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not have a top-level member");
    assertThat(hub.invocationCount()).isZero();
    hub.device("d");
    CommandHandle allowed = client.sendAsync("d", array,
        method(EVERY_SECOND.toBuilder().maxAttempts(3).build()).toBuilder().sendCommandId(false).build());
    hub.advance(Duration.ofSeconds(2));
    assertThat(done(allowed).attempts()).isEqualTo(3);
  }

  @Test
  void theSizeLimitCountsTheAddedIdMember() {
    String filler = "x".repeat(DirectMethod.MAX_PAYLOAD_BYTES - 10); // fits alone, not with the id
    Command big = Command.named("y").id("id").jsonPayload(Map.of("f", filler.substring(0, filler.length() - 10)))
        .build();
    assertThat(big.payloadSize()).isLessThanOrEqualTo(DirectMethod.MAX_PAYLOAD_BYTES);
    assertThatThrownBy(() -> client.sendAsync("d", big, DeliveryStrategy.directMethod()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("with its $commandId");
    hub.device("d");
    client.sendAsync("d", big, DirectMethod.custom().sendCommandId(false).build()); // fits without it
    hub.advance(Duration.ofSeconds(1));
    assertThat(hub.invocationCount()).isEqualTo(1);
  }

  @Test
  void aFallbackQueuesTheCommandAsAMessageWhenTheDeviceIsOfflineAndReportsThatPath() {
    AtomicInteger runs = new AtomicInteger();
    hub.device("gateway").onMessage(m -> {
      runs.incrementAndGet();
      return MessageReply.complete();
    }).connectAfter(Duration.ofMinutes(5));
    Fallback strategy = DeliveryStrategy.fallback(
        DirectMethod.custom().connectTimeout(Duration.ofSeconds(10)).build(),
        CloudToDevice.custom().timeToLive(Duration.ofHours(1)).build());

    CommandHandle h = client.sendAsync("gateway", Command.named("update").id("u-1").build(), strategy);
    hub.advance(Duration.ofMinutes(6));

    CommandOutcome o = done(h);
    assertThat(o.status()).isEqualTo(CommandStatus.DELIVERED);
    assertThat(o.mechanism()).contains(Mechanism.CLOUD_TO_DEVICE);
    assertThat(o.attempts()).isEqualTo(2);
    assertThat(runs).hasValue(1);
    assertThat(ofKind(CommandEvent.Kind.FALLBACK_TAKEN)).singleElement().satisfies(e -> {
      assertThat(e.attemptOutcome().orElseThrow().status()).isEqualTo(CommandStatus.DEVICE_OFFLINE);
      assertThat(e.attemptOutcome().orElseThrow().mechanism()).contains(Mechanism.DIRECT_METHOD);
      assertThat(e.at()).isEqualTo(VirtualTime.DEFAULT_START.plusSeconds(10)); // after the connect timeout
    });
    assertThat(transitions()).containsExactly(CommandStatus.QUEUED, CommandStatus.SENT, CommandStatus.DELIVERED);
    assertThat(hub.invocationCount("gateway")).isEqualTo(1);
    CloudToDeviceMessage m = hub.recordedMessages().get(0);
    assertThat(m.messageId()).isEqualTo("u-1");
    assertThat(m.properties()).containsEntry(Command.ID_PROPERTY, "u-1");
    assertThat(m.expiryTime()).isEqualTo(VirtualTime.DEFAULT_START.plusSeconds(10).plus(Duration.ofHours(1)));
  }

  @Test
  void aFallbackRetriesTheMethodFirstAndThenTheMessage() {
    hub.device("gateway").connectAfter(Duration.ofMinutes(1));
    Fallback strategy = DeliveryStrategy.fallback(method(EVERY_SECOND.toBuilder().maxAttempts(3).build()),
        CloudToDevice.custom().acknowledgement(Acknowledgement.NONE).build());
    CommandHandle h = client.sendAsync("gateway", Command.named("update").build(), strategy);
    hub.advance(Duration.ofSeconds(10));
    CommandOutcome o = done(h);
    assertThat(o.status()).isEqualTo(CommandStatus.ACCEPTED);
    assertThat(o.attempts()).isEqualTo(4);
    assertThat(o.mechanism()).contains(Mechanism.CLOUD_TO_DEVICE);
    assertThat(events).extracting(CommandEvent::kind).containsExactly(CommandEvent.Kind.STATUS_CHANGED,
        CommandEvent.Kind.RETRY_SCHEDULED, CommandEvent.Kind.RETRY_SCHEDULED, CommandEvent.Kind.FALLBACK_TAKEN,
        CommandEvent.Kind.STATUS_CHANGED, CommandEvent.Kind.STATUS_CHANGED);
  }

  @Test
  void aFallbackIsNotTakenWhenTheDeviceAnsweredOrTimedOut() {
    hub.device("d").onMethod("fail", MethodReply.respond(503, "{}"))
        .onMethod("slow", MethodReply.respond(200, "{}").after(Duration.ofSeconds(10))).connect();
    Fallback strategy = DeliveryStrategy.fallback(DirectMethod.custom().responseTimeout(Duration.ofSeconds(5)).build(),
        DeliveryStrategy.cloudToDevice());
    CommandHandle failed = client.sendAsync("d", Command.named("fail").build(), strategy);
    CommandHandle slow = client.sendAsync("d", Command.named("slow").build(), strategy);
    hub.advance(Duration.ofSeconds(20));
    assertThat(done(failed).status()).isEqualTo(CommandStatus.FAILED);
    assertThat(done(failed).mechanism()).contains(Mechanism.DIRECT_METHOD);
    assertThat(done(slow).status()).isEqualTo(CommandStatus.TIMED_OUT);
    assertThat(hub.messageCount()).isZero();
    assertThat(ofKind(CommandEvent.Kind.FALLBACK_TAKEN)).isEmpty();
  }

  @Test
  void aFallbackCommandMustFitBothWays() {
    Fallback strategy = DeliveryStrategy.fallback(DirectMethod.ofDefaults(), CloudToDevice.ofDefaults());
    assertThatThrownBy(() -> client.sendAsync("d", Command.named("x").property("k", "v").build(), strategy))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("properties");
    assertThatThrownBy(() -> client.sendAsync("d", Command.named("x").payload(new byte[] {1}, "application/x")
        .build(), strategy)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be JSON");
    String big = "x".repeat(CloudToDevice.MAX_MESSAGE_BYTES); // fits a method, not a message
    assertThatThrownBy(() -> client.sendAsync("d", Command.named("x").jsonPayload(big).build(), strategy))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cloud-to-device message");
    assertThat(hub.invocationCount() + hub.messageCount()).isZero();
  }

  @Test
  void cancellingDuringAPendingRetrySchedulesNoMoreAttempts() {
    hub.device("sleeper");
    VirtualTime time = (VirtualTime) hub.time();
    int idle = time.pendingTasks();
    CommandHandle h = client.sendAsync("sleeper", Command.named("wake").build(), method(EVERY_SECOND));
    assertThat(ofKind(CommandEvent.Kind.RETRY_SCHEDULED)).hasSize(1);
    assertThat(time.pendingTasks()).as("one timer for the pending retry").isEqualTo(idle + 1);

    assertThat(h.cancel()).isTrue();
    assertThat(time.pendingTasks()).as("the retry's timer is cancelled").isEqualTo(idle);
    hub.advance(Duration.ofMinutes(1));
    assertThat(done(h).status()).isEqualTo(CommandStatus.CANCELLED);
    assertThat(done(h).attempts()).isEqualTo(1);
    assertThat(hub.invocationCount("sleeper")).isEqualTo(1);
    assertThat(ofKind(CommandEvent.Kind.RETRY_SCHEDULED)).hasSize(1);
  }

  @Test
  void closingDuringAPendingRetryEndsTheCommandAndSchedulesNoMoreAttempts() {
    hub.device("sleeper");
    CommandHandle h = client.sendAsync("sleeper", Command.named("wake").build(), method(EVERY_SECOND));
    hub.advance(Duration.ofMillis(1500)); // attempt 2 made, a third pending
    client.close();
    hub.advance(Duration.ofMinutes(1));
    CommandOutcome o = done(h);
    assertThat(o.status()).isEqualTo(CommandStatus.FAILED);
    assertThat(o.detail()).contains("client closed");
    assertThat(o.attempts()).isEqualTo(2);
    assertThat(hub.invocationCount("sleeper")).isEqualTo(2);
  }

  @Test
  void withoutAPolicyACommandIsSentOnceAsBefore() {
    hub.device("sleeper");
    CommandHandle h = client.sendAsync("sleeper", Command.named("wake").build(), DeliveryStrategy.directMethod());
    hub.advance(Duration.ofMinutes(1));
    assertThat(done(h).status()).isEqualTo(CommandStatus.DEVICE_OFFLINE);
    assertThat(done(h).attempts()).isEqualTo(1);
    assertThat(events).extracting(CommandEvent::kind).containsOnly(CommandEvent.Kind.STATUS_CHANGED);
  }
}
