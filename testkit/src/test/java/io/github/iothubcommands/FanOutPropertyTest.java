package io.github.iothubcommands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import io.github.iothubcommands.testkit.FakeHub;
import io.github.iothubcommands.testkit.MethodReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fan-outs over random fleets (QuickTheories drives the seeds; the run count comes from the {@code
 * QT_EXAMPLES} system property, 1,000 in the build, 200 without it): every device started has exactly one result, the summary's counts are exactly what the devices did,
 * progress adds up, and no more than {@code concurrency} commands are ever in flight.
 */
@Timeout(120)
class FanOutPropertyTest {
  private static final int EXAMPLES = Integer.getInteger("QT_EXAMPLES", 200);
  private static final Command PING = Command.named("ping").id("ping-1").build();

  private enum Behaviour { ANSWERS, ERRORS, OFFLINE, SLOW }

  @Test
  void countsAreExactAndBoundsHoldOverRandomFleets() {
    qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(FanOutPropertyTest::check);
  }

  private static void check(long seed) {
    Random random = new Random(seed);
    int size = 1 + random.nextInt(60);
    int concurrency = 1 + random.nextInt(12);
    double rate = 1 + random.nextInt(200);
    boolean cancel = random.nextInt(4) == 0;
    Map<String, Behaviour> fleet = new HashMap<>();
    List<String> ids = new ArrayList<>();
    try (FakeHub hub = FakeHub.create()) {
      for (int i = 0; i < size; i++) {
        String id = "d" + i;
        Behaviour b = Behaviour.values()[random.nextInt(Behaviour.values().length)];
        fleet.put(id, b);
        ids.add(id);
        Duration after = Duration.ofMillis(random.nextInt(3000));
        switch (b) {
          case ANSWERS -> hub.device(id).onMethod("ping", MethodReply.respond(200, "{}").after(after)).connect();
          case ERRORS -> hub.device(id).onMethod("ping", MethodReply.respond(500, "{}").after(after)).connect();
          case SLOW -> hub.device(id).onMethod("ping", MethodReply.respond(200, "{}").after(Duration.ofSeconds(40)))
              .connect(); // past the 30 s response timeout
          case OFFLINE -> hub.device(id);
        }
      }
      AtomicInteger inFlight = new AtomicInteger();
      AtomicInteger maxInFlight = new AtomicInteger();
      List<FanOutResult> results = new CopyOnWriteArrayList<>();
      List<FanOutProgress> progress = new CopyOnWriteArrayList<>();
      try (CommandClient client = CommandClient.builder().transport(hub.transport()).listener(e -> {
        if (e.previous().isEmpty()) {
          maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        } else if (e.status().isTerminal()) {
          inFlight.decrementAndGet();
        }
      }).build()) {
        Iterable<String> lazy = ids::iterator;
        FanOut.Targets targets = switch (random.nextInt(3)) {
          case 0 -> FanOut.to(ids);
          case 1 -> FanOut.to(lazy);
          default -> FanOut.to(ids.iterator());
        };
        FanOutHandle handle = client.fanOut(targets.command(PING, DeliveryStrategy.directMethod())
            .concurrency(concurrency).ratePerSecond(rate).progressEveryResults(1 + random.nextInt(5))
            .onResult(results::add).onProgress(progress::add).build());
        int cancelAfter = random.nextInt(20);
        for (int step = 0; step < 5000 && !handle.summary().isDone(); step++) { // 60 slow devices one at a time: 1,800 s
          if (cancel && step == cancelAfter) {
            handle.cancel();
          }
          hub.advance(Duration.ofMillis(500));
        }
        assertThat(handle.summary()).as("seed %d", seed).isDone();
        FanOutSummary s = handle.summary().join();

        assertThat(maxInFlight.get()).as("seed %d", seed).isLessThanOrEqualTo(concurrency);
        assertThat(results).as("seed %d", seed).hasSize((int) s.started())
            .extracting(FanOutResult::deviceId).doesNotHaveDuplicates();
        assertThat(s.succeeded() + s.failed() + s.cancelled()).isEqualTo(s.started());
        long succeeded = results.stream().filter(FanOutResult::succeeded).count();
        long cancelled = results.stream().filter(FanOutResult::cancelled).count();
        assertThat(s.succeeded()).isEqualTo(succeeded);
        assertThat(s.cancelled()).isEqualTo(cancelled);
        for (FanOutResult r : results) {
          CommandStatus status = r.outcome().orElseThrow().status();
          if (status == CommandStatus.CANCELLED) {
            continue;
          }
          assertThat(status).as("seed %d, %s", seed, r).isEqualTo(switch (fleet.get(r.deviceId())) {
            case ANSWERS -> CommandStatus.SUCCEEDED;
            case ERRORS -> CommandStatus.FAILED;
            case SLOW -> CommandStatus.TIMED_OUT;
            case OFFLINE -> CommandStatus.DEVICE_OFFLINE;
          });
        }
        if (s.end() == FanOutSummary.End.COMPLETED) {
          assertThat(s.started()).isEqualTo(size);
          assertThat(s.cancelled()).isZero();
        } else {
          assertThat(s.end()).isEqualTo(FanOutSummary.End.CANCELLED);
        }
        assertThat(hub.invocationCount()).isLessThanOrEqualTo((int) s.started());
        for (FanOutProgress p : progress) {
          assertThat(p.done()).isEqualTo(p.succeeded() + p.failed() + p.cancelled());
          assertThat(p.inFlight()).isBetween(0L, (long) concurrency);
        }
        assertThat(progress.get(progress.size() - 1).done()).isEqualTo(s.started());
      }
    }
  }
}
