package io.github.iothubcommands.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandEvent;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.FanOut;
import io.github.iothubcommands.SequencePlan;
import io.github.iothubcommands.SequenceResult;
import io.github.iothubcommands.testkit.MethodReply;
import io.github.iothubcommands.testkit.SimulatedDevice;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Fan-out: ids in, per-device results out, backpressured, at most `concurrency` in flight, cancellable. */
@Timeout(60)
class ReactiveFanOutTest {
  private static final Duration WAIT = Duration.ofSeconds(50);
  private static final int DEVICES = 100_000;
  private static final int CONCURRENCY = 100;

  private static Command ping(String deviceId) {
    return Command.named("ping").id("ping-" + deviceId).build();
  }

  private static Flux<String> ids(int n, AtomicLong pulled) {
    return Flux.range(0, n).map(i -> "device-" + i).doOnNext(id -> pulled.incrementAndGet());
  }

  @Test
  void fanOutOfOneHundredThousandIdsKeepsAtMostConcurrencyCommandsInFlight() {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    SlowTransport hub = new SlowTransport(ReactorTimeSource.on(vts), Duration.ofSeconds(1));
    AtomicLong pulled = new AtomicLong();
    AtomicLong emitted = new AtomicLong();
    AtomicLong mostHeld = new AtomicLong(); // ids taken from the source but not yet out as an outcome
    try (ReactiveCommandClient client = ReactiveCommandClient.builder()
        .commandClient(CommandClient.builder().transport(hub)).scheduler(vts).build()) {
      Flux<CommandOutcome> outcomes = client.fanOut(ids(DEVICES, pulled).doOnNext(id ->
              mostHeld.accumulateAndGet(pulled.get() - emitted.get(), Math::max)),
          ReactiveFanOutTest::ping, DeliveryStrategy.directMethod(), CONCURRENCY)
          .doOnNext(o -> emitted.incrementAndGet());
      StepVerifier.withVirtualTime(() -> outcomes, () -> vts, Long.MAX_VALUE)
          .thenAwait(Duration.ofSeconds(DEVICES / CONCURRENCY)) // one round of replies per virtual second
          .expectNextCount(DEVICES)
          .expectComplete()
          .verify(WAIT);
    }
    assertThat(hub.calls).hasValue(DEVICES);
    assertThat(hub.maxInFlight).hasValue(CONCURRENCY); // reached, never passed
    assertThat(mostHeld.get()).isLessThanOrEqualTo(CONCURRENCY);
  }

  @Test
  void aSlowSubscriberHoldsBackTheSourceAndTheHub() {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    SlowTransport hub = new SlowTransport(ReactorTimeSource.on(vts), Duration.ofSeconds(1));
    AtomicLong pulled = new AtomicLong();
    try (ReactiveCommandClient client = ReactiveCommandClient.builder()
        .commandClient(CommandClient.builder().transport(hub)).scheduler(vts).build()) {
      StepVerifier.withVirtualTime(() -> client.fanOut(ids(DEVICES, pulled), ReactiveFanOutTest::ping,
              DeliveryStrategy.directMethod(), CONCURRENCY), () -> vts, 0)
          .thenRequest(10)
          .thenAwait(Duration.ofMinutes(10)) // ten minutes of replies: only what was asked for moves on
          .expectNextCount(10)
          .then(() -> assertThat(pulled.get()).isLessThanOrEqualTo(CONCURRENCY + 10))
          .then(() -> assertThat(hub.calls.get()).isLessThanOrEqualTo(CONCURRENCY + 10))
          .thenCancel()
          .verify(WAIT);
    }
  }

  @Test
  void cancellingAFanOutCancelsTheCommandsInFlightAndTakesNoMoreIds() {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    SlowTransport hub = new SlowTransport(ReactorTimeSource.on(vts), Duration.ofSeconds(10));
    List<CommandEvent> cancelled = new CopyOnWriteArrayList<>();
    AtomicLong pulled = new AtomicLong();
    try (ReactiveCommandClient client = ReactiveCommandClient.builder()
        .commandClient(CommandClient.builder().transport(hub).listener(e -> {
          if (e.status() == CommandStatus.CANCELLED) {
            cancelled.add(e);
          }
        }))
        .scheduler(vts).build()) {
      AtomicInteger received = new AtomicInteger();
      Disposable subscription = client.fanOut(ids(DEVICES, pulled), ReactiveFanOutTest::ping,
          DeliveryStrategy.directMethod(), 20).subscribe(o -> received.incrementAndGet());
      vts.advanceTimeBy(Duration.ofSeconds(15)); // the first 20 answered at 10 s, the next 20 in flight
      assertThat(received).hasValue(20);
      assertThat(hub.inFlight).hasValue(20);
      assertThat(cancelled).isEmpty();

      subscription.dispose();

      assertThat(cancelled).hasSize(20).allSatisfy(e -> assertThat(e.at()).isEqualTo(Instant.EPOCH.plusSeconds(15)));
      long taken = pulled.get();
      vts.advanceTimeBy(Duration.ofMinutes(5));
      assertThat(received).hasValue(20);
      assertThat(pulled.get()).isEqualTo(taken).isEqualTo(40);
    }
  }

  @Test
  void aRefusedDeviceFailsTheFluxAtOnceAndCancelsTheCommandsInFlight() {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    SlowTransport hub = new SlowTransport(ReactorTimeSource.on(vts), Duration.ofSeconds(1));
    List<String> cancelled = new CopyOnWriteArrayList<>();
    try (ReactiveCommandClient client = ReactiveCommandClient.builder()
        .commandClient(CommandClient.builder().transport(hub).listener(e -> {
          if (e.status() == CommandStatus.CANCELLED) {
            cancelled.add(e.deviceId());
          }
        }))
        .scheduler(vts).build()) {
      StepVerifier.withVirtualTime(() -> client.fanOut(Flux.just("d-1", "not a device id", "d-3"),
              ReactiveFanOutTest::ping, DeliveryStrategy.directMethod(), 2), () -> vts, Long.MAX_VALUE)
          .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalArgumentException.class)
              .hasMessageContaining("'ping-not a device id'")) // commandForDevice refused it: a bad id
          .verify(WAIT);
      assertThat(hub.calls).hasValue(1);
      assertThat(cancelled).containsExactly("d-1");
    }
  }

  @Test
  void aSourceErrorWaitsForTheCommandsInFlight() {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    SlowTransport hub = new SlowTransport(ReactorTimeSource.on(vts), Duration.ofSeconds(1));
    try (ReactiveCommandClient client = ReactiveCommandClient.builder()
        .commandClient(CommandClient.builder().transport(hub)).scheduler(vts).build()) {
      Flux<String> failing = Flux.concat(Flux.just("d-1", "d-2"), Flux.error(new IllegalStateException("db gone")));
      StepVerifier.withVirtualTime(() -> client.fanOut(failing, ReactiveFanOutTest::ping,
              DeliveryStrategy.directMethod(), 10), () -> vts, Long.MAX_VALUE)
          .expectSubscription()
          .expectNoEvent(Duration.ofMillis(999))
          .thenAwait(Duration.ofMillis(1))
          .assertNext(o -> assertThat(o.status()).isEqualTo(CommandStatus.SUCCEEDED))
          .assertNext(o -> assertThat(o.status()).isEqualTo(CommandStatus.SUCCEEDED))
          .expectErrorMessage("db gone")
          .verify(WAIT);
    }
  }

  @Test
  void planFanOutKeepsEachDevicesStepsInOrderAndAtMostConcurrencyDevicesRunning() {
    int devices = 50;
    int concurrency = 5;
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostRunning = new AtomicInteger();
    try (VirtualHub v = new VirtualHub(b -> b.listener(e -> {
      if (e.status() == CommandStatus.QUEUED) {
        mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
      } else if (e.status().isTerminal()) {
        running.decrementAndGet();
      }
    }))) {
      List<String> ids = IntStream.range(0, devices).mapToObj(i -> "gw-" + i).toList();
      for (String id : ids) {
        v.hub.device(id).onMethod("download", MethodReply.respond(200, "{}").after(Duration.ofSeconds(3)))
            .onMethod("install", MethodReply.respond(200, "{}").after(Duration.ofSeconds(1))).connect();
      }
      StepVerifier.withVirtualTime(() -> v.client.fanOutPlan(Flux.fromIterable(ids), id -> SequencePlan.forDevice(id)
                  .then(Command.named("download").id(id + "-download").build(), DeliveryStrategy.directMethod())
                  .then(Command.named("install").id(id + "-install").build(), DeliveryStrategy.directMethod())
                  .build(), concurrency),
              () -> v.vts, Long.MAX_VALUE)
          .thenAwait(Duration.ofSeconds(4L * devices / concurrency))
          .recordWith(java.util.ArrayList::new)
          .expectNextCount(devices)
          .consumeRecordedWith(results -> assertThat(results).allMatch(SequenceResult::succeeded)
              .extracting(SequenceResult::deviceId).containsExactlyInAnyOrderElementsOf(ids))
          .expectComplete()
          .verify(WAIT);
      assertThat(mostRunning).hasValue(concurrency);
      for (String id : ids) {
        SimulatedDevice d = v.hub.device(id);
        assertThat(d.methodCalls()).extracting(io.github.iothubcommands.engine.MethodRequest::methodName).containsExactly("download", "install");
      }
    }
  }

  @Test
  void aTemplateGivesEachDeviceTheIdCoresFanOutWouldGiveIt() {
    try (VirtualHub v = new VirtualHub()) {
      List<String> ids = IntStream.range(0, 20).mapToObj(i -> "lamp-" + i).toList();
      ids.forEach(id -> v.hub.device(id).onMethod("on", MethodReply.respond(200, "{}")).connect());
      Command on = Command.named("on").id("rollout-7").build();
      StepVerifier.create(v.client.fanOut(Flux.fromIterable(ids), on, DeliveryStrategy.directMethod(), 5)
              .map(o -> o.deviceId() + " " + o.commandId() + " " + o.status()))
          .recordWith(java.util.ArrayList::new)
          .expectNextCount(ids.size())
          .consumeRecordedWith(lines -> assertThat(lines).containsExactlyInAnyOrderElementsOf(ids.stream()
              .map(id -> id + " " + FanOut.deviceCommandId("rollout-7", id) + " SUCCEEDED").toList()))
          .expectComplete()
          .verify(WAIT);
      String tooLong = "x".repeat(FanOut.MAX_TEMPLATE_ID_LENGTH + 1);
      assertThatThrownBy(() -> v.client.fanOut(Flux.just("d1"), Command.named("on").id(tooLong).build(),
          DeliveryStrategy.directMethod(), 1)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("template.id must be at most " + FanOut.MAX_TEMPLATE_ID_LENGTH + " characters");
    }
  }

  @Test
  void concurrencyOutOfRangeIsRefusedNamingTheRule() {
    try (VirtualHub v = new VirtualHub()) {
      assertThatThrownBy(() -> v.client.fanOut(Flux.just("d1"), ReactiveFanOutTest::ping,
          DeliveryStrategy.directMethod(), 0)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("concurrency must be between 1 and 100000, but was 0");
      assertThatThrownBy(() -> v.client.fanOutPlan(Flux.just("d1"), null, 1))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("planForDevice must not be null");
    }
  }
}
