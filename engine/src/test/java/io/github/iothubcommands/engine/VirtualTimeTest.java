package io.github.iothubcommands.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubcommands.spi.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class VirtualTimeTest {
  private final VirtualTime time = new VirtualTime();
  private final List<String> ran = new ArrayList<>();

  @Test
  void runsDueTasksInOrderEachAtItsOwnTime() {
    List<Instant> at = new ArrayList<>();
    time.schedule(Duration.ofSeconds(2), () -> { ran.add("b"); at.add(time.now()); });
    time.schedule(Duration.ofSeconds(1), () -> { ran.add("a"); at.add(time.now()); });
    time.schedule(Duration.ofSeconds(2), () -> ran.add("c"));
    time.advance(Duration.ofSeconds(5));
    assertThat(ran).containsExactly("a", "b", "c");
    assertThat(at).containsExactly(VirtualTime.DEFAULT_START.plusSeconds(1), VirtualTime.DEFAULT_START.plusSeconds(2));
    assertThat(time.now()).isEqualTo(VirtualTime.DEFAULT_START.plusSeconds(5));
  }

  @Test
  void doesNotRunTasksPastTheTarget() {
    time.schedule(Duration.ofSeconds(10), () -> ran.add("late"));
    time.advance(Duration.ofMillis(9999));
    assertThat(ran).isEmpty();
    assertThat(time.pendingTasks()).isEqualTo(1);
  }

  @Test
  void runsTasksScheduledByTasksWhenDueWithinTheAdvance() {
    time.schedule(Duration.ofSeconds(1), () -> time.schedule(Duration.ofSeconds(1), () -> ran.add("nested")));
    time.advance(Duration.ofSeconds(2));
    assertThat(ran).containsExactly("nested");
  }

  @Test
  void cancelledTasksDoNotRun() {
    TimeSource.Cancellable c = time.schedule(Duration.ofSeconds(1), () -> ran.add("x"));
    assertThat(c.cancel()).isTrue();
    time.advance(Duration.ofSeconds(1));
    assertThat(ran).isEmpty();
    assertThat(c.cancel()).isFalse();
  }

  @Test
  void cancelledTasksAreDroppedFromMemory() {
    List<TimeSource.Cancellable> handles = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      handles.add(time.schedule(Duration.ofHours(1), () -> ran.add("x")));
    }
    handles.forEach(TimeSource.Cancellable::cancel);
    assertThat(time.queuedTasks()).isLessThan(1100);
    time.advance(Duration.ofHours(2));
    assertThat(ran).isEmpty();
  }

  @Test
  void aFailingTaskDoesNotStopOthers() {
    time.schedule(Duration.ZERO, () -> { throw new IllegalStateException("boom"); });
    time.schedule(Duration.ZERO, () -> ran.add("after"));
    time.runDue();
    assertThat(ran).containsExactly("after");
  }

  @Test
  void refusesNegativeAdvance() {
    assertThatThrownBy(() -> time.advance(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("duration must not be negative, but was PT-1S");
  }
}
