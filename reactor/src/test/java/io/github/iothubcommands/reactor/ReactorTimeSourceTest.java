package io.github.iothubcommands.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubcommands.spi.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The TimeSource contract on a Reactor scheduler: its clock, order, cancel, isolation of failing tasks. */
@Timeout(10)
class ReactorTimeSourceTest {
  private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
  private final ReactorTimeSource time = ReactorTimeSource.on(vts);
  private final List<String> ran = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    time.close();
    vts.dispose();
  }

  @Test
  void nowIsTheSchedulersClockToTheMillisecond() {
    assertThat(time.now()).isEqualTo(Instant.EPOCH);
    vts.advanceTimeBy(Duration.ofMinutes(90).plusMillis(3).plusNanos(7));
    assertThat(time.now()).isEqualTo(Instant.EPOCH.plus(Duration.ofMinutes(90)).plusMillis(3));
  }

  @Test
  void nowOnAReactorSchedulerIsTheWallClockNotTheNanoTimer() {
    try (ReactorTimeSource parallel = ReactorTimeSource.on(Schedulers.parallel())) {
      Instant before = Instant.now();
      Instant now = parallel.now();
      assertThat(now).isBetween(before.minusSeconds(1), Instant.now().plusSeconds(1));
    }
  }

  @Test
  void tasksRunAtTheirDueTimeInDueOrderAndTiesInSchedulingOrder() {
    time.schedule(Duration.ofSeconds(2), () -> ran.add("b@" + time.now().getEpochSecond()));
    time.schedule(Duration.ofSeconds(1), () -> ran.add("a@" + time.now().getEpochSecond()));
    time.schedule(Duration.ofSeconds(2), () -> ran.add("c@" + time.now().getEpochSecond()));
    vts.advanceTimeBy(Duration.ofMillis(1999));
    assertThat(ran).containsExactly("a@1");
    vts.advanceTimeBy(Duration.ofMillis(1));
    assertThat(ran).containsExactly("a@1", "b@2", "c@2");
  }

  @Test
  void aZeroDelayTaskNeverRunsInsideSchedule() {
    time.schedule(Duration.ZERO, () -> ran.add("zero"));
    time.schedule(Duration.ofSeconds(-5), () -> ran.add("negative"));
    assertThat(ran).isEmpty();
    vts.advanceTimeBy(Duration.ofNanos(1));
    assertThat(ran).containsExactly("zero", "negative");
  }

  @Test
  void cancelPreventsTheTaskOnceAndReportsWhetherItDid() {
    TimeSource.Cancellable c = time.schedule(Duration.ofSeconds(1), () -> ran.add("cancelled"));
    TimeSource.Cancellable d = time.schedule(Duration.ofSeconds(1), () -> ran.add("kept"));
    assertThat(c.cancel()).isTrue();
    assertThat(c.cancel()).isFalse();
    vts.advanceTimeBy(Duration.ofSeconds(1));
    assertThat(ran).containsExactly("kept");
    assertThat(d.cancel()).isFalse(); // it already ran
  }

  @Test
  void aThrowingTaskDoesNotStopTheOthers() {
    time.schedule(Duration.ofSeconds(1), () -> {
      throw new IllegalStateException("boom");
    });
    time.schedule(Duration.ofSeconds(1), () -> ran.add("after"));
    vts.advanceTimeBy(Duration.ofSeconds(1));
    assertThat(ran).containsExactly("after");
  }

  @Test
  void closeDisposesTheWorkerSoPendingTasksNeverRun() {
    time.schedule(Duration.ofSeconds(1), () -> ran.add("never"));
    time.close();
    vts.advanceTimeBy(Duration.ofSeconds(1));
    assertThat(ran).isEmpty();
    assertThat(vts.isDisposed()).isFalse(); // the scheduler stays the caller's
  }

  @Test
  void nullSchedulerIsRefusedNamingTheField() {
    assertThatThrownBy(() -> ReactorTimeSource.on(null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("scheduler must not be null");
  }
}
