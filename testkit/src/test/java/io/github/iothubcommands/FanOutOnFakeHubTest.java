package io.github.iothubcommands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.iothubcommands.engine.HubLimits;
import io.github.iothubcommands.testkit.FakeHub;
import io.github.iothubcommands.testkit.MethodReply;
import io.github.iothubcommands.engine.MethodRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Fan-out on the fake hub in virtual time: bounds, laziness, order, pace, cancellation, counts. */
@Timeout(60)
class FanOutOnFakeHubTest {
  private static final Command REBOOT = Command.named("reboot").id("reboot-1").build();
  private static final DirectMethod WAIT_1S = DirectMethod.custom().connectTimeout(Duration.ofSeconds(1)).build();
  private static final CloudToDevice FIRE_AND_FORGET = CloudToDevice.custom().acknowledgement(Acknowledgement.NONE)
      .build();

  private static final SequencePlan DOWNLOAD_THEN_INSTALL = SequencePlan.forDevice("template")
      .then(Command.named("download").id("dl").build(), DeliveryStrategy.directMethod())
      .then(Command.named("install").id("in").build(), DeliveryStrategy.directMethod()).build();

  private FakeHub hub = FakeHub.create();
  private CommandClient client = CommandClient.builder().transport(hub.transport()).build();

  @AfterEach
  void close() {
    client.close();
    hub.close();
  }

  private void useHub(HubLimits limits) {
    client.close();
    hub.close();
    hub = FakeHub.create(limits);
    client = CommandClient.builder().transport(hub.transport()).build();
  }

  private static List<String> ids(String prefix, int n) {
    return IntStream.range(0, n).mapToObj(i -> prefix + i).toList();
  }

  /** Advances virtual time a step at a time until the fan-out ends (bounded). */
  private FanOutSummary runToEnd(FanOutHandle handle, Duration step, int maxSteps) {
    CompletableFuture<FanOutSummary> summary = handle.summary();
    for (int i = 0; i < maxSteps && !summary.isDone(); i++) {
      hub.advance(step);
    }
    assertThat(summary).as("fan-out ended within %d steps of %s", maxSteps, step).isDone();
    return summary.join();
  }

  /** Cancelled with {@code started} devices in flight, each of them cancelled, and the rest never started. */
  private static void assertCancelledInFlight(FanOutSummary summary, int started, int notStarted) {
    assertThat(summary.end()).isEqualTo(FanOutSummary.End.CANCELLED);
    assertThat(summary.started()).isEqualTo(started);
    assertThat(summary.cancelled()).isEqualTo(started);
    assertThat(summary.notStarted()).hasValue(notStarted);
  }

  /** An id source that counts what was taken and checks, at each take, how far ahead of the results it is. */
  private static final class CountingIds implements Iterator<String> {
    private final int size;
    private final AtomicInteger results;
    private final int allowedAhead;
    private int taken;
    private int maxAhead;

    CountingIds(int size, AtomicInteger results, int allowedAhead) {
      this.size = size;
      this.results = results;
      this.allowedAhead = allowedAhead;
    }

    @Override
    public boolean hasNext() {
      return taken < size;
    }

    @Override
    public String next() {
      if (taken >= size) {
        throw new NoSuchElementException();
      }
      int ahead = taken - results.get();
      maxAhead = Math.max(maxAhead, ahead + 1);
      if (ahead + 1 > allowedAhead) {
        throw new AssertionError("took id " + taken + " while " + ahead + " were without a result");
      }
      return String.format("dev-%07d", taken++);
    }
  }

  @Test
  void aMillionIdsRunInBoundedMemoryReadingTheSourceLazily() {
    int concurrency = 500;
    AtomicInteger results = new AtomicInteger();
    AtomicInteger offline = new AtomicInteger();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    client.close();
    client = CommandClient.builder().transport(hub.transport()).listener(e -> {
      if (e.previous().isEmpty()) {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      } else if (e.status().isTerminal()) {
        inFlight.decrementAndGet();
      }
    }).build();
    CountingIds source = new CountingIds(1_000_000, results, concurrency);
    Iterator<String> registering = new Iterator<>() { // each device exists only while it is in flight
      @Override
      public boolean hasNext() {
        return source.hasNext();
      }

      @Override
      public String next() {
        String id = source.next();
        hub.engine().registerDevice(id, null, null);
        return id;
      }
    };
    FanOutHandle handle = client.fanOut(FanOut.to(registering).command(REBOOT, WAIT_1S).concurrency(concurrency)
        .ratePerSecond(100_000).onResult(r -> {
          if (r.outcome().orElseThrow().status() == CommandStatus.DEVICE_OFFLINE) {
            offline.incrementAndGet();
          }
          hub.engine().removeDevice(r.deviceId());
          results.incrementAndGet();
        }).build());

    FanOutSummary summary = runToEnd(handle, Duration.ofSeconds(1), 3_000);

    assertThat(summary.end()).isEqualTo(FanOutSummary.End.COMPLETED);
    assertThat(summary.started()).isEqualTo(1_000_000);
    assertThat(summary.failed()).isEqualTo(1_000_000);
    assertThat(offline).hasValue(1_000_000);
    assertThat(source.taken).isEqualTo(1_000_000);
    assertThat(source.maxAhead).isEqualTo(concurrency); // the bound was reached and never passed
    assertThat(maxInFlight).hasValue(concurrency);
    assertThat(hub.engine().devices()).isEmpty();
  }

  @Test
  void theSourceIsNotReadBeyondTheConcurrencyWhileNothingFinishes() {
    AtomicInteger results = new AtomicInteger();
    CountingIds source = new CountingIds(1000, results, Integer.MAX_VALUE);
    for (int i = 0; i < 1000; i++) {
      hub.device(String.format("dev-%07d", i)); // registered, offline: the hub waits up to the connect timeout
    }
    FanOutHandle handle = client.fanOut(FanOut.to(source).command(REBOOT,
        DirectMethod.custom().connectTimeout(Duration.ofSeconds(60)).build()).concurrency(7).ratePerSecond(1000)
        .onResult(r -> results.incrementAndGet()).build());
    hub.advance(Duration.ofSeconds(10));
    assertThat(results).hasValue(0);
    assertThat(source.taken).isEqualTo(7);
    assertThat(handle.progress().inFlight()).isEqualTo(7);
    handle.cancel();
  }

  @Test
  void eachDevicesStepsStayInOrderWhileDevicesRunInParallel() {
    int devices = 24;
    Map<String, List<String>> calls = Collections.synchronizedMap(new HashMap<>());
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    for (int d = 0; d < devices; d++) {
      String id = "gw-" + d;
      Duration think = Duration.ofMillis(100L * (1 + d % 7)); // different speeds, so the devices interleave
      hub.device(id).onMethod("download", req -> record(calls, id, req, think, running, maxRunning, +1))
          .onMethod("install", req -> record(calls, id, req, think, running, maxRunning, 0))
          .onMethod("reboot", req -> record(calls, id, req, think, running, maxRunning, -1)).connect();
    }
    SequencePlan template = SequencePlan.forDevice("template")
        .then(Command.named("download").id("download-7").build(), DeliveryStrategy.directMethod())
        .then(Command.named("install").id("install-7").build(), DeliveryStrategy.directMethod())
        .then(Command.named("reboot").id("reboot-7").build(), DeliveryStrategy.directMethod())
        .build();
    List<FanOutResult> results = new CopyOnWriteArrayList<>();
    FanOutHandle handle = client.fanOut(FanOut.to(ids("gw-", devices)).plan(template).concurrency(6)
        .ratePerSecond(1000).onResult(results::add).build());

    FanOutSummary summary = runToEnd(handle, Duration.ofMillis(50), 2_000);

    assertThat(summary.succeeded()).isEqualTo(devices);
    assertThat(calls).hasSize(devices);
    calls.forEach((device, names) -> assertThat(names).as(device).containsExactly("download", "install", "reboot"));
    assertThat(maxRunning.get()).isBetween(2, 6); // parallel, within the limit
    assertThat(results).hasSize(devices).allSatisfy(r -> {
      assertThat(r.succeeded()).isTrue();
      assertThat(r.sequence().orElseThrow().steps()).extracting(s -> s.outcome().orElseThrow().commandId())
          .containsExactly(FanOut.deviceCommandId("download-7", r.deviceId()),
              FanOut.deviceCommandId("install-7", r.deviceId()), FanOut.deviceCommandId("reboot-7", r.deviceId()));
    });
  }

  private static MethodReply record(Map<String, List<String>> calls, String id, MethodRequest req, Duration think,
      AtomicInteger running, AtomicInteger maxRunning, int delta) {
    calls.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(req.methodName());
    if (delta > 0) {
      maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
    } else if (delta < 0) {
      running.decrementAndGet();
    }
    return MethodReply.respond(200, "{}").after(think);
  }

  @Test
  void aThrottledSendHalvesTheRateIsResentAndTheRateClimbsBackToTheQuota() {
    // S1 x 1: 100 sends a minute; a burst of 1 s of it, so another sender's message leaves no room at first.
    useHub(HubLimits.custom().tier(HubTier.S1, 1).throttleBurst(Duration.ofSeconds(1)).build());
    List<String> devices = ids("lamp-", 60);
    devices.forEach(hub::device);
    hub.device("other");
    assertThat(client.send("other", Command.named("other").build(), FIRE_AND_FORGET).status())
        .isEqualTo(CommandStatus.ACCEPTED);
    List<FanOutRateChange> changes = new CopyOnWriteArrayList<>();
    List<FanOutResult> results = new CopyOnWriteArrayList<>();
    double quota = HubQuota.of(HubTier.S1, 1).cloudToDeviceSendsPerSecond();

    FanOutHandle handle = client.fanOut(FanOut.to(devices).command(REBOOT, FIRE_AND_FORGET)
        .rate(HubQuota.of(HubTier.S1, 1)).onRateChange(changes::add).onResult(results::add).build());
    assertThat(changes).singleElement().satisfies(c -> {
      assertThat(c.reason()).isEqualTo(FanOutRateChange.Reason.THROTTLED);
      assertThat(c.fromPerSecond()).isCloseTo(quota, within(1e-9));
      assertThat(c.toPerSecond()).isCloseTo(quota / 2, within(1e-9));
    });
    assertThat(handle.progress().ratePerSecond()).isCloseTo(quota / 2, within(1e-9));
    hub.advance(Duration.ofSeconds(3));
    assertThat(handle.progress().ratePerSecond()).isCloseTo(quota * (0.5 + 0.06), within(1e-9)); // +2%/s
    FanOutSummary summary = runToEnd(handle, Duration.ofSeconds(1), 100);

    assertThat(changes).hasSize(2).last().satisfies(c -> {
      assertThat(c.reason()).isEqualTo(FanOutRateChange.Reason.RECOVERED);
      assertThat(c.toPerSecond()).isCloseTo(quota, within(1e-9));
      // back at the ceiling 25 s after the decrease (+2% of it a second from half), seen at the next send
      assertThat(Duration.between(changes.get(0).at(), c.at())).isBetween(Duration.ofSeconds(25),
          Duration.ofMillis(25_600));
    });
    assertThat(summary.succeeded()).isEqualTo(60);
    assertThat(summary.throttled()).isEqualTo(1);
    assertThat(results).filteredOn(r -> r.attempts() == 2).singleElement()
        .satisfies(r -> assertThat(r.deviceId()).isEqualTo("lamp-0"));
    assertThat(hub.messageCount()).isEqualTo(61); // the other sender's message and one per device
  }

  @Test
  void aDeviceThrottledMoreThanItsAttemptsAllowEndsFailedWithTheHubsAnswer() {
    // one send per 1,000 s, and another sender just took it
    useHub(HubLimits.custom().cloudToDeviceSendsPerSecond(0.001).throttleBurst(Duration.ofSeconds(1000)).build());
    hub.device("lamp-0");
    hub.device("hog");
    client.sendAsync("hog", Command.named("hog").build(), FIRE_AND_FORGET);
    List<FanOutResult> results = new CopyOnWriteArrayList<>();
    List<FanOutRateChange> changes = new CopyOnWriteArrayList<>();
    FanOutSummary summary = runToEnd(client.fanOut(FanOut.to(List.of("lamp-0")).command(REBOOT, FIRE_AND_FORGET)
        .ratePerSecond(100).maxThrottledAttempts(3).onResult(results::add).onRateChange(changes::add).build()),
        Duration.ofMillis(10), 100);
    assertThat(summary.failed()).isEqualTo(1);
    assertThat(summary.throttled()).isEqualTo(3);
    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.attempts()).isEqualTo(3);
      assertThat(r.outcome().orElseThrow().hubError()).contains(HubError.THROTTLED);
    });
    // each resend went out at the lowered pace and was throttled again: one decrease per send
    assertThat(changes).hasSize(3).allSatisfy(c -> {
      assertThat(c.reason()).isEqualTo(FanOutRateChange.Reason.THROTTLED);
      assertThat(c.toPerSecond()).isCloseTo(c.fromPerSecond() / 2, within(1e-9));
    });
    assertThat(changes).extracting(FanOutRateChange::toPerSecond)
        .satisfiesExactly(r -> assertThat(r).isEqualTo(50.0), r -> assertThat(r).isCloseTo(25, within(0.2)),
            r -> assertThat(r).isCloseTo(12.5, within(0.2))); // grown back a little between the sends
  }

  @Test
  void cancelStopsTakingIdsAndCancelsTheCommandsInFlight() {
    List<String> devices = ids("pump-", 100);
    devices.forEach(id -> hub.device(id).onMethod("reboot", MethodReply.respond(200, "{}")
        .after(Duration.ofSeconds(20))).connect());
    List<FanOutResult> results = new CopyOnWriteArrayList<>();
    List<CommandEvent> events = new CopyOnWriteArrayList<>();
    client.close();
    client = CommandClient.builder().transport(hub.transport()).listener(events::add).build();
    FanOutHandle handle = client.fanOut(FanOut.to(devices).command(REBOOT, DeliveryStrategy.directMethod())
        .concurrency(10).ratePerSecond(100).onResult(results::add).build());
    hub.advance(Duration.ofSeconds(1));
    assertThat(handle.progress().started()).isEqualTo(10);

    assertThat(handle.cancel()).isTrue();
    assertThat(handle.cancel()).isFalse();
    assertThat(handle.stop()).isFalse();
    FanOutSummary summary = handle.summary().join();

    assertCancelledInFlight(summary, 10, 90);
    assertThat(results).hasSize(10).allSatisfy(r -> {
      assertThat(r.cancelled()).isTrue();
      assertThat(r.outcome().orElseThrow().status()).isEqualTo(CommandStatus.CANCELLED);
    });
    assertThat(events).filteredOn(e -> e.status() == CommandStatus.CANCELLED).hasSize(10);
    hub.advance(Duration.ofMinutes(1));
    assertThat(hub.invocationCount()).isEqualTo(10); // nothing more was sent
  }

  @Test
  void stopLetsTheDevicesInFlightFinish() {
    List<String> devices = ids("pump-", 100);
    devices.forEach(id -> hub.device(id).onMethod("reboot", MethodReply.respond(200, "{}")
        .after(Duration.ofSeconds(20))).connect());
    FanOutHandle handle = client.fanOut(FanOut.to(devices).command(REBOOT, DeliveryStrategy.directMethod())
        .concurrency(10).ratePerSecond(100).build());
    hub.advance(Duration.ofSeconds(1));
    assertThat(handle.stop()).isTrue();
    assertThat(handle.stop()).isFalse();
    assertThat(handle.summary()).isNotDone();
    FanOutSummary summary = runToEnd(handle, Duration.ofSeconds(5), 10);
    assertThat(summary.end()).isEqualTo(FanOutSummary.End.STOPPED);
    assertThat(summary.succeeded()).isEqualTo(10);
    assertThat(summary.notStarted()).hasValue(90);
  }

  @Test
  void progressCountsAddUpAndTheSummaryIsExact() {
    List<String> devices = ids("sensor-", 200);
    Set<String> online = new HashSet<>();
    for (int i = 0; i < devices.size(); i++) {
      String id = devices.get(i);
      if (i % 4 != 3) {
        online.add(id);
        hub.device(id).onMethod("reboot", MethodReply.respond(200, "{}").after(Duration.ofMillis(700))).connect();
      } else {
        hub.device(id); // offline: DEVICE_OFFLINE at once
      }
    }
    List<FanOutProgress> progress = new CopyOnWriteArrayList<>();
    Set<String> reported = Collections.synchronizedSet(new HashSet<>());
    AtomicInteger duplicates = new AtomicInteger();
    FanOutHandle handle = client.fanOut(FanOut.to(devices).command(REBOOT, DeliveryStrategy.directMethod())
        .concurrency(20).ratePerSecond(50).progressEveryResults(25).progressEvery(Duration.ofSeconds(1))
        .onProgress(progress::add).onResult(r -> {
          if (!reported.add(r.deviceId())) {
            duplicates.incrementAndGet();
          }
        }).build());

    FanOutSummary summary = runToEnd(handle, Duration.ofMillis(100), 200);

    assertThat(summary.end()).isEqualTo(FanOutSummary.End.COMPLETED);
    assertThat(summary.started()).isEqualTo(200);
    assertThat(summary.succeeded()).isEqualTo(150);
    assertThat(summary.failed()).isEqualTo(50);
    assertThat(summary.cancelled()).isZero();
    assertThat(summary.throttled()).isZero();
    assertThat(summary.notStarted()).hasValue(0);
    assertThat(summary.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(3980)); // 200 at 50/s: no faster
    assertThat(reported).hasSize(200).containsAll(online);
    assertThat(duplicates).hasValue(0);
    assertThat(progress).hasSizeGreaterThanOrEqualTo(8 + 3);
    FanOutProgress previous = null;
    for (FanOutProgress p : progress) {
      assertThat(p.done()).isEqualTo(p.succeeded() + p.failed() + p.cancelled());
      assertThat(p.inFlight()).isBetween(0L, 20L);
      assertThat(p.remaining()).hasValue(200 - p.done());
      if (previous != null) {
        assertThat(p.done()).isGreaterThanOrEqualTo(previous.done());
        assertThat(p.at()).isAfterOrEqualTo(previous.at());
      }
      previous = p;
    }
    assertThat(progress.get(progress.size() - 1)).satisfies(p -> {
      assertThat(p.done()).isEqualTo(200);
      assertThat(p.succeeded()).isEqualTo(150);
      assertThat(p.remaining()).hasValue(0);
    });
    assertThat(progress).filteredOn(p -> p.done() % 25 == 0 && p.done() > 0).hasSizeGreaterThanOrEqualTo(8);
  }

  @Test
  void theTemplateIsCheckedBeforeAnyDeviceIsTaken() {
    Command notJson = Command.named("reboot").payload(new byte[] {1, 2}, "application/octet-stream").build();
    AtomicInteger results = new AtomicInteger();
    CountingIds source = new CountingIds(10, results, Integer.MAX_VALUE);
    assertThatThrownBy(() -> client.fanOut(FanOut.to(source).command(notJson, DeliveryStrategy.directMethod())
        .ratePerSecond(10).build())).isInstanceOf(IllegalArgumentException.class);
    assertThat(source.taken).isZero();
    assertThat(hub.invocationCount()).isZero();
  }

  @Test
  void aPlanTemplateWhoseCompensationIsInvalidIsRefusedBeforeAnyDeviceIsTaken() {
    SequencePlan template = SequencePlan.forDevice("template")
        .then(Command.named("install").id("install-1").build(), DeliveryStrategy.directMethod())
        .onFailure(FailurePolicy.compensate(Command.named("rollback").id("rollback-1").property("k", "v").build(),
            DeliveryStrategy.directMethod())) // a direct method carries no properties
        .build();
    AtomicInteger results = new AtomicInteger();
    CountingIds source = new CountingIds(10, results, Integer.MAX_VALUE);
    assertThatThrownBy(() -> client.fanOut(FanOut.to(source).plan(template).ratePerSecond(10).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("properties");
    assertThat(source.taken).isZero();
    assertThat(hub.invocationCount()).isZero();
  }

  @Test
  void invalidIdsFromALazySourceFailWithoutASendAndOthersGoOn() {
    hub.device("good-1").onMethod("reboot", MethodReply.respond(200, "{}")).connect();
    hub.device("good-2").onMethod("reboot", MethodReply.respond(200, "{}")).connect();
    List<FanOutResult> results = new CopyOnWriteArrayList<>();
    List<String> source = new ArrayList<>(List.of("bad id", "good-1"));
    source.add(null);
    source.add("good-2");
    FanOutSummary summary = runToEnd(client.fanOut(FanOut.to(source.iterator())
        .command(REBOOT, DeliveryStrategy.directMethod()).ratePerSecond(1).onResult(results::add).build()),
        Duration.ofSeconds(1), 10);
    assertThat(summary.started()).isEqualTo(4);
    assertThat(summary.succeeded()).isEqualTo(2);
    assertThat(summary.failed()).isEqualTo(2);
    // at 1 device/s: good-1 at 0 s, good-2 at 1 s: the invalid ids used no slot of the pace
    assertThat(summary.duration()).isEqualTo(Duration.ofSeconds(1));
    assertThat(results).extracting(FanOutResult::deviceId).containsExactly("bad id", "good-1", "null", "good-2");
    assertThat(results.get(0).outcome().orElseThrow().detail()).startsWith("not sent: deviceId must contain only");
    assertThat(results.get(2).outcome().orElseThrow().detail()).isEqualTo("not sent: deviceId must not be null");
    assertThat(hub.invocationCount()).isEqualTo(2);
  }

  @Test
  void aFailingSourceEndsTheFanOutAfterTheDevicesInFlight() {
    hub.device("d0").onMethod("reboot", MethodReply.respond(200, "{}").after(Duration.ofSeconds(2))).connect();
    Iterator<String> failing = new Iterator<>() {
      private int n;

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public String next() {
        if (n++ == 1) {
          throw new IllegalStateException("database gone");
        }
        return "d0";
      }
    };
    FanOutSummary summary = runToEnd(client.fanOut(FanOut.to(failing).command(REBOOT,
        DeliveryStrategy.directMethod()).ratePerSecond(10).build()), Duration.ofSeconds(1), 10);
    assertThat(summary.end()).isEqualTo(FanOutSummary.End.SOURCE_FAILED);
    assertThat(summary.sourceFailure()).get().extracting(Throwable::getMessage).isEqualTo("database gone");
    assertThat(summary.succeeded()).isEqualTo(1);
  }

  @Test
  void closingTheClientEndsTheFanOutWithEveryStartedDeviceReported() {
    List<String> devices = ids("pump-", 50);
    devices.forEach(id -> hub.device(id).onMethod("reboot", MethodReply.respond(200, "{}")
        .after(Duration.ofSeconds(20))).connect());
    FanOutHandle handle = client.fanOut(FanOut.to(devices).command(REBOOT, DeliveryStrategy.directMethod())
        .concurrency(5).ratePerSecond(100).build());
    hub.advance(Duration.ofSeconds(1));
    client.close();
    FanOutSummary summary = handle.summary().join();
    assertThat(summary.end()).isEqualTo(FanOutSummary.End.CLIENT_CLOSED);
    assertThat(summary.started()).isEqualTo(5);
    assertThat(summary.failed()).isEqualTo(5);
    assertThatThrownBy(() -> client.fanOut(FanOut.to(devices).command(REBOOT, DeliveryStrategy.directMethod())
        .ratePerSecond(1).build())).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void rerunningAFanOutSendsEachDeviceTheSameIds() {
    List<String> devices = ids("lamp-", 3);
    devices.forEach(hub::device);
    FanOut f = FanOut.to(devices).command(REBOOT, FIRE_AND_FORGET).ratePerSecond(10).build();
    runToEnd(client.fanOut(f), Duration.ofSeconds(1), 5);
    runToEnd(client.fanOut(f), Duration.ofSeconds(1), 5);
    Map<String, List<String>> idsByDevice = new HashMap<>();
    hub.recordedMessages().forEach(m -> idsByDevice.computeIfAbsent(m.deviceId(), k -> new ArrayList<>())
        .add(m.messageId()));
    assertThat(idsByDevice).hasSize(3).allSatisfy((device, ids) -> assertThat(ids)
        .containsExactly(FanOut.deviceCommandId("reboot-1", device), FanOut.deviceCommandId("reboot-1", device)));
  }

  @Test
  void thePaceHoldsTheQuotaExactly() {
    List<String> devices = ids("lamp-", 120);
    devices.forEach(hub::device);
    FanOutHandle handle = client.fanOut(FanOut.to(devices).command(REBOOT, FIRE_AND_FORGET)
        .rate(HubQuota.of(HubTier.S1, 1)).build());
    hub.advance(Duration.ofMillis(29_999));
    assertThat(handle.progress().started()).isEqualTo(50); // 100/min: t = 0, 0.6 s, ..., 29.4 s
    hub.advance(Duration.ofMillis(1));
    assertThat(handle.progress().started()).isEqualTo(51); // and 30 s
    assertThat(hub.messageCount()).isEqualTo(51);
    handle.cancel();
  }

  @Test
  void aPlanIsStartedAgainWhenItsFirstStepWasThrottledButNotWhenALaterOneWas() {
    // one 4 KB method meter a second, a burst of one; another caller just used it
    useHub(HubLimits.custom().methodBytesPerSecond(4096).throttleBurst(Duration.ofSeconds(1)).build());
    hub.device("other").onMethod("ping", MethodReply.respond(200, "{}")).connect();
    hub.device("gw-1").onMethod("download", MethodReply.respond(200, "{}"))
        .onMethod("install", MethodReply.respond(200, "{}")).connect();
    assertThat(client.send("other", Command.named("ping").build(), DeliveryStrategy.directMethod()).status())
        .isEqualTo(CommandStatus.SUCCEEDED);
    SequencePlan template = DOWNLOAD_THEN_INSTALL;
    List<FanOutResult> results = new CopyOnWriteArrayList<>();

    FanOutSummary summary = runToEnd(client.fanOut(FanOut.to(List.of("gw-1")).plan(template).ratePerSecond(1)
        .onResult(results::add).build()), Duration.ofMillis(100), 100);

    assertThat(summary.throttled()).isEqualTo(2); // step 0 of the first start, step 1 of the second
    assertThat(summary.failed()).isEqualTo(1);
    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.attempts()).isEqualTo(2);
      SequenceResult.StepResult stopped = r.sequence().orElseThrow().failedStep().orElseThrow();
      assertThat(stopped.index()).isEqualTo(1);
      assertThat(stopped.outcome().orElseThrow().hubError()).contains(HubError.THROTTLED);
    });
    assertThat(hub.device("gw-1").methodCalls()).extracting(MethodRequest::methodName).containsExactly("download");
  }

  @Test
  void cancellingAPlanFanOutStopsTakingDevicesAndCancelsThePlansInFlight() {
    List<String> devices = ids("gw-", 5);
    devices.forEach(id -> hub.device(id).onMethod("download", MethodReply.respond(200, "{}")
        .after(Duration.ofSeconds(10))).onMethod("install", MethodReply.respond(200, "{}")
        .after(Duration.ofSeconds(10))).connect());
    SequencePlan template = DOWNLOAD_THEN_INSTALL;
    List<FanOutResult> results = new CopyOnWriteArrayList<>();
    FanOutHandle handle = client.fanOut(FanOut.to(devices).plan(template).concurrency(2).ratePerSecond(10)
        .onResult(results::add).build());
    hub.advance(Duration.ofSeconds(1));

    assertThat(handle.cancel()).isTrue();
    FanOutSummary summary = handle.summary().join();

    assertCancelledInFlight(summary, 2, 3);
    assertThat(results).hasSize(2).allSatisfy(r -> {
      assertThat(r.cancelled()).isTrue();
      assertThat(r.succeeded()).isFalse();
      assertThat(r.sequence()).isEmpty();
    });
    hub.advance(Duration.ofMinutes(1));
    assertThat(hub.invocationCount()).isEqualTo(2); // the two downloads in flight; no install was sent
  }
}
