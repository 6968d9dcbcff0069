package io.github.iothubcommands.device.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubcommands.WireName;
import io.github.iothubcommands.device.CommandHandler;
import io.github.iothubcommands.device.CommandReply;
import io.github.iothubcommands.device.CommandReply.Disposition;
import io.github.iothubcommands.device.IncomingCommand;
import io.github.iothubcommands.device.IncomingCommand.Mechanism;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.MDC;

/** The dispatch, dedupe and reply rules, without the SDK or a network; time from a clock the test moves. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DispatchTest {
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2030-01-01T00:00:00Z"));
  private final InstantSource clock = now::get;
  private final Map<WireName, CommandHandler> handlers = new HashMap<>();
  private final AtomicInteger runs = new AtomicInteger();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  private Dispatch dispatch() {
    return dispatch(64, Duration.ofSeconds(5), 100, Duration.ofMinutes(10));
  }

  private Dispatch dispatch(int maxPending, Duration timeout, int windowSize, Duration windowAge) {
    return new Dispatch(handlers, null, executor, maxPending, timeout,
        new DedupeWindow(windowSize, windowAge, clock));
  }

  private void handle(String wireName, CommandHandler h) {
    handlers.put(WireName.parse(wireName), c -> {
      runs.incrementAndGet();
      return h.handle(c);
    });
  }

  private static IncomingCommand c2d(String name, String id) {
    return IncomingCommand.builder(Mechanism.CLOUD_TO_DEVICE, name).commandId(id).build();
  }

  private static IncomingCommand method(String name, String id) {
    return IncomingCommand.builder(Mechanism.METHOD, name).commandId(id).build();
  }

  @Test
  void oneHandlerServesACommandAsAMethodAndAsAMessage() {
    List<Mechanism> seen = new CopyOnWriteArrayList<>();
    handle("reboot", c -> {
      seen.add(c.mechanism());
      return CommandReply.ok(Map.of("rebooting", true));
    });
    Dispatch d = dispatch();
    CommandReply viaMethod = d.dispatch(method("reboot", "r1"), CommandKey.methodRequest("r1"));
    CommandReply viaMessage = d.dispatch(c2d("reboot", "m1"), CommandKey.commandId("m1"));
    assertThat(seen).containsExactly(Mechanism.METHOD, Mechanism.CLOUD_TO_DEVICE);
    assertThat(viaMethod.status()).isEqualTo(200);
    assertThat(viaMethod.payloadJson()).isEqualTo("{\"rebooting\":true}");
    assertThat(viaMessage.disposition()).isEqualTo(Disposition.COMPLETE);
  }

  @Test
  void aComponentCommandFindsTheHandlerRegisteredUnderItsWireName() {
    handle("thermostat1*getMaxMinReport", c -> CommandReply.ok(c.component().orElseThrow() + "/" + c.name()));
    CommandReply r = dispatch().dispatch(method("thermostat1*getMaxMinReport", "r1"), CommandKey.methodRequest("r1"));
    assertThat(r.payloadJson()).isEqualTo("\"thermostat1/getMaxMinReport\"");
    assertThat(dispatch().dispatch(method("getMaxMinReport", "r2"), CommandKey.methodRequest("r2")).status())
        .as("the same name in the default component is another command").isEqualTo(501);
  }

  @Test
  void anUnknownCommandIsAnswered501AndRejected() {
    CommandReply r = dispatch().dispatch(c2d("selfDestruct", "m1"), CommandKey.commandId("m1"));
    assertThat(r.status()).isEqualTo(CommandReply.UNKNOWN_COMMAND);
    assertThat(r.disposition()).isEqualTo(Disposition.REJECT);
    assertThat(r.payloadJson()).contains("\"error\":\"unknown command\"").contains("\"command\":\"selfDestruct\"");
  }

  @Test
  void anUnknownCommandHandlerReplacesTheDefault() {
    Dispatch d = new Dispatch(handlers, c -> CommandReply.of(404, Map.of("no", c.name())), executor, 4,
        Duration.ofSeconds(5), new DedupeWindow(10, Duration.ofMinutes(1), clock));
    CommandReply r = d.dispatch(method("x", "r1"), CommandKey.methodRequest("r1"));
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.disposition()).isEqualTo(Disposition.REJECT);
  }

  @Test
  void aThrowingHandlerIsAnswered500AndAbandonedAndTheDispatcherGoesOn() {
    handle("flaky", c -> {
      throw new IllegalStateException("secret detail that must not reach the service");
    });
    handle("ping", c -> CommandReply.ok("pong"));
    Dispatch d = dispatch();
    CommandReply failed = d.dispatch(method("flaky", "r1"), CommandKey.methodRequest("r1"));
    assertThat(failed.status()).isEqualTo(CommandReply.HANDLER_FAILED);
    assertThat(failed.disposition()).isEqualTo(Disposition.ABANDON);
    assertThat(failed.payloadJson()).doesNotContain("secret");
    assertThat(d.dispatch(method("ping", "r2"), CommandKey.methodRequest("r2")).payloadJson()).isEqualTo("\"pong\"");
    assertThat(d.pendingHandlers()).isZero();
  }

  @Test
  void aNullReplyCountsAsOk() {
    handle("quiet", c -> null);
    assertThat(dispatch().dispatch(c2d("quiet", "m1"), CommandKey.commandId("m1"))).isEqualTo(CommandReply.ok());
  }

  @Test
  void aDuplicateRunsTheHandlerOnceAndGetsTheFirstRunsReply() {
    handle("count", c -> CommandReply.ok(runs.get()));
    Dispatch d = dispatch();
    CommandReply first = d.dispatch(c2d("count", "m1"), CommandKey.commandId("m1"));
    CommandReply again = d.dispatch(c2d("count", "m1"), CommandKey.commandId("m1"));
    assertThat(runs).hasValue(1);
    assertThat(again).isEqualTo(first);
    assertThat(d.dispatch(c2d("count", "m2"), CommandKey.commandId("m2")).payloadJson()).isEqualTo("2");
  }

  /** The service retries a method: new calls (new SDK request ids), the same $commandId in each payload. */
  @Test
  void aRetriedMethodRunsOnceAcrossCallsWithDifferentRequestIdsAndItsHandlerNeverSeesTheId() {
    List<String> payloads = new CopyOnWriteArrayList<>();
    handle("flash", c -> {
      payloads.add(c.payloadAsString());
      return CommandReply.ok(Map.of("run", runs.get()));
    });
    Dispatch d = dispatch();
    String wire = "{\"$commandId\":\"fw-7\",\"image\":\"v2\"}";
    SdkMessages.Arrival first = SdkMessages.fromMethod("flash", wire, "rid-1", "d");
    SdkMessages.Arrival retry = SdkMessages.fromMethod("flash", wire, "rid-2", "d");
    CommandReply r1 = d.dispatch(first.command(), first.key());
    CommandReply r2 = d.dispatch(retry.command(), retry.key());
    assertThat(runs).hasValue(1);
    assertThat(r2).isEqualTo(r1);
    assertThat(payloads).containsExactly("{\"image\":\"v2\"}");
    // the control: calls that carry no command id are known by their request ids and both run
    SdkMessages.Arrival a = SdkMessages.fromMethod("flash", "{}", "rid-3", "d");
    SdkMessages.Arrival b = SdkMessages.fromMethod("flash", "{}", "rid-4", "d");
    d.dispatch(a.command(), a.key());
    d.dispatch(b.command(), b.key());
    assertThat(runs).hasValue(3);
  }

  /** A fallback: the method reached the device after all (it reconnected), then the message came too. */
  @Test
  void aMethodAndAMessageWithTheSameCommandIdAreOneCommand() {
    handle("update", c -> CommandReply.ok());
    Dispatch d = dispatch();
    SdkMessages.Arrival method = SdkMessages.fromMethod("update", "{\"$commandId\":\"u-1\"}", "rid-1", "d");
    com.microsoft.azure.sdk.iot.device.Message m = new com.microsoft.azure.sdk.iot.device.Message("null");
    m.setMessageId("u-1");
    m.setProperty(io.github.iothubcommands.Command.NAME_PROPERTY, "update");
    m.setProperty(io.github.iothubcommands.Command.ID_PROPERTY, "u-1");
    SdkMessages.Arrival message = SdkMessages.fromMessage(m, "d");
    assertThat(d.dispatch(method.command(), method.key()).status()).isEqualTo(200);
    assertThat(d.dispatch(message.command(), message.key()).disposition()).isEqualTo(Disposition.COMPLETE);
    assertThat(runs).hasValue(1);
  }

  @Test
  void aDuplicateArrivingWhileTheFirstRunsWaitsForTheSameReply() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(1);
    handle("slow", c -> {
      running.countDown();
      release.await();
      return CommandReply.ok("done");
    });
    Dispatch d = dispatch();
    CompletableFuture<CommandReply> first =
        CompletableFuture.supplyAsync(() -> d.dispatch(c2d("slow", "m1"), CommandKey.commandId("m1")));
    running.await();
    CompletableFuture<CommandReply> second =
        CompletableFuture.supplyAsync(() -> d.dispatch(c2d("slow", "m1"), CommandKey.commandId("m1")));
    release.countDown();
    assertThat(first.get()).isEqualTo(second.get()).isEqualTo(CommandReply.ok("done"));
    assertThat(runs).hasValue(1);
  }

  @Test
  void aFailedOrAbandonedRunIsForgottenSoTheRedeliveryRunsTheHandlerAgain() {
    AtomicInteger attempt = new AtomicInteger();
    handle("retry", c -> switch (attempt.incrementAndGet()) {
      case 1 -> throw new IllegalStateException("first attempt fails");
      case 2 -> CommandReply.abandon();
      default -> CommandReply.ok("third time");
    });
    Dispatch d = dispatch();
    assertThat(d.dispatch(c2d("retry", "m1"), CommandKey.commandId("m1")).disposition()).isEqualTo(Disposition.ABANDON);
    assertThat(d.dispatch(c2d("retry", "m1"), CommandKey.commandId("m1")).disposition()).isEqualTo(Disposition.ABANDON);
    assertThat(d.dispatch(c2d("retry", "m1"), CommandKey.commandId("m1"))).isEqualTo(CommandReply.ok("third time"));
    assertThat(d.dispatch(c2d("retry", "m1"), CommandKey.commandId("m1"))).isEqualTo(CommandReply.ok("third time"));
    assertThat(runs).hasValue(3);
  }

  @Test
  void aRejectionIsRememberedLikeASuccess() {
    handle("no", c -> CommandReply.reject());
    Dispatch d = dispatch();
    d.dispatch(c2d("no", "m1"), CommandKey.commandId("m1"));
    assertThat(d.dispatch(c2d("no", "m1"), CommandKey.commandId("m1")).disposition()).isEqualTo(Disposition.REJECT);
    assertThat(runs).hasValue(1);
  }

  @Test
  void theWindowForgetsACommandOnceItIsOlderThanTheWindowsAge() {
    handle("x", c -> CommandReply.ok());
    Dispatch d = dispatch(4, Duration.ofSeconds(5), 100, Duration.ofMinutes(10));
    d.dispatch(c2d("x", "m1"), CommandKey.commandId("m1"));
    now.set(now.get().plus(Duration.ofMinutes(10)));
    d.dispatch(c2d("x", "m1"), CommandKey.commandId("m1"));
    assertThat(runs).as("exactly the window's age: still remembered").hasValue(1);
    now.set(now.get().plusMillis(1));
    d.dispatch(c2d("x", "m1"), CommandKey.commandId("m1"));
    assertThat(runs).hasValue(2);
  }

  @Test
  void theWindowForgetsTheOldestCommandsPastItsSize() {
    handle("x", c -> CommandReply.ok());
    Dispatch d = dispatch(2, Duration.ofSeconds(5), 2, Duration.ofHours(1));
    for (String id : new String[] {"a", "b", "c"}) {
      d.dispatch(c2d("x", id), CommandKey.commandId(id));
    }
    d.dispatch(c2d("x", "c"), CommandKey.commandId("c"));
    d.dispatch(c2d("x", "b"), CommandKey.commandId("b"));
    assertThat(runs).as("b and c remembered").hasValue(3);
    d.dispatch(c2d("x", "a"), CommandKey.commandId("a"));
    assertThat(runs).as("a was evicted").hasValue(4);
  }

  @Test
  void aRunStillInProgressIsNeverEvicted() {
    DedupeWindow window = new DedupeWindow(1, Duration.ofSeconds(1), clock);
    DedupeWindow.Run running = window.newRun();
    assertThat(window.lookup(CommandKey.commandId("a"), () -> running).duplicate()).isFalse();
    now.set(now.get().plus(Duration.ofHours(1)));
    DedupeWindow.Run other = window.newRun();
    window.lookup(CommandKey.commandId("b"), () -> other);
    assertThat(window.lookup(CommandKey.commandId("a"), () -> null).run()).isSameAs(running);
    running.reply.complete(CommandReply.ok());
    other.reply.complete(CommandReply.ok());
    now.set(now.get().plus(Duration.ofHours(1)));
    assertThat(window.lookup(CommandKey.commandId("c"), () -> null).run()).isNull();
    assertThat(window.size()).isZero();
  }

  @Test
  void commandsWithoutIdAreNeverDuplicates() {
    handle("x", c -> CommandReply.ok());
    Dispatch d = dispatch();
    d.dispatch(c2d("x", "same"), CommandKey.none());
    d.dispatch(c2d("x", "same"), CommandKey.none());
    assertThat(runs).hasValue(2);
  }

  @Test
  void aMethodRequestIdIsNeverTakenForAMessageIdOfTheSameValue() {
    handle("x", c -> CommandReply.ok(c.mechanism().name()));
    Dispatch d = dispatch();
    d.dispatch(c2d("x", "42"), CommandKey.commandId("42"));
    CommandReply r = d.dispatch(method("x", "42"), CommandKey.methodRequest("42"));
    assertThat(runs).hasValue(2);
    assertThat(r.payloadJson()).isEqualTo("\"METHOD\"");
  }

  @Test
  void aHandlerPastItsTimeoutIsAnswered504AndItsLateReplyAnswersTheDuplicate() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    handle("slow", c -> {
      release.await();
      return CommandReply.ok("late");
    });
    Dispatch d = dispatch(4, Duration.ofMillis(20), 100, Duration.ofHours(1));
    CommandReply timedOut = d.dispatch(c2d("slow", "m1"), CommandKey.commandId("m1"));
    assertThat(timedOut.status()).isEqualTo(CommandReply.HANDLER_TIMED_OUT);
    assertThat(timedOut.disposition()).isEqualTo(Disposition.ABANDON);
    assertThat(d.pendingHandlers()).as("the handler goes on").isEqualTo(1);
    release.countDown();
    await(() -> d.pendingHandlers() == 0);
    assertThat(d.dispatch(c2d("slow", "m1"), CommandKey.commandId("m1"))).isEqualTo(CommandReply.ok("late"));
    assertThat(runs).hasValue(1);
  }

  @Test
  void pastTheBoundOnPendingHandlersACommandIsAnsweredBusyAtOnce() {
    CountDownLatch release = new CountDownLatch(1);
    handle("stuck", c -> {
      release.await();
      return CommandReply.ok();
    });
    handle("ping", c -> CommandReply.ok());
    Dispatch d = dispatch(1, Duration.ofMillis(20), 100, Duration.ofHours(1));
    assertThat(d.dispatch(method("stuck", "r1"), CommandKey.methodRequest("r1")).status()).isEqualTo(504);
    CommandReply busyMethod = d.dispatch(method("ping", "r2"), CommandKey.methodRequest("r2"));
    CommandReply busyMessage = d.dispatch(c2d("ping", "m3"), CommandKey.commandId("m3"));
    assertThat(busyMethod.status()).isEqualTo(CommandReply.BUSY);
    assertThat(busyMessage.disposition()).isEqualTo(Disposition.ABANDON);
    assertThat(runs).as("neither ran").hasValue(1);
    release.countDown();
    await(() -> d.pendingHandlers() == 0);
    assertThat(d.dispatch(c2d("ping", "m3"), CommandKey.commandId("m3")).disposition())
        .as("a busy answer is not remembered").isEqualTo(Disposition.COMPLETE);
  }

  @Test
  void anExecutorThatRefusesTheTaskGivesBusyAndFreesThePlace() {
    handle("x", c -> CommandReply.ok());
    Dispatch d = new Dispatch(handlers, null, r -> {
      throw new RejectedExecutionException("full");
    }, 1, Duration.ofSeconds(1), new DedupeWindow(10, Duration.ofMinutes(1), clock));
    assertThat(d.dispatch(c2d("x", "m1"), CommandKey.commandId("m1")).status()).isEqualTo(CommandReply.BUSY);
    assertThat(d.dispatch(c2d("x", "m1"), CommandKey.commandId("m1")).status()).isEqualTo(CommandReply.BUSY);
    assertThat(d.pendingHandlers()).isZero();
  }

  @Test
  void handlersRunOffTheCallingThreadWithTheCommandInTheMdc() {
    AtomicReference<String> where = new AtomicReference<>();
    handle("x", c -> {
      where.set(Thread.currentThread().getName() + " " + MDC.get("commandId") + " " + MDC.get("deviceId"));
      return CommandReply.ok();
    });
    dispatch().dispatch(IncomingCommand.builder(Mechanism.METHOD, "x").commandId("r7").deviceId("pump-1").build(),
        CommandKey.methodRequest("r7"));
    assertThat(where.get()).doesNotStartWith(Thread.currentThread().getName() + " ").endsWith(" r7 pump-1");
  }

  @Test
  void afterCloseCommandsAreAnsweredBusyWithoutRunning() {
    handle("x", c -> CommandReply.ok());
    Dispatch d = dispatch();
    d.close();
    CommandReply r = d.dispatch(c2d("x", "m1"), CommandKey.commandId("m1"));
    assertThat(r.status()).isEqualTo(CommandReply.BUSY);
    assertThat(r.payloadJson()).contains("closed");
    assertThat(runs).hasValue(0);
  }

  private static void await(java.util.function.BooleanSupplier condition) {
    while (!condition.getAsBoolean()) {
      Thread.onSpinWait(); // the class timeout bounds it
    }
  }
}
