package io.github.iothubcommands.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubcommands.spi.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SystemTimeSourceTest {
  private final SystemTimeSource time = SystemTimeSource.create();

  @AfterEach
  void stop() {
    time.close();
  }

  @Test
  void runsTasksInDueOrderIncludingOnesEarlierThanTheArmedOne() throws InterruptedException {
    List<String> ran = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(3);
    time.schedule(Duration.ofMillis(300), () -> { ran.add("late"); done.countDown(); });
    time.schedule(Duration.ofMillis(100), () -> { ran.add("early"); done.countDown(); });
    time.schedule(Duration.ZERO, () -> { ran.add("now"); done.countDown(); });
    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(ran).containsExactly("now", "early", "late");
  }

  @Test
  void cancelledTasksNeverRunAndAreDroppedFromMemory() throws InterruptedException {
    List<String> ran = Collections.synchronizedList(new ArrayList<>());
    List<TimeSource.Cancellable> handles = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      handles.add(time.schedule(Duration.ofHours(1), () -> ran.add("x")));
    }
    int before = time.queued();
    handles.forEach(TimeSource.Cancellable::cancel);
    assertThat(time.queued()).isLessThan(before - 4000);
    assertThat(handles.get(0).cancel()).isFalse();
    CountDownLatch marker = new CountDownLatch(1);
    time.schedule(Duration.ofMillis(10), marker::countDown);
    assertThat(marker.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(ran).isEmpty();
  }
}
