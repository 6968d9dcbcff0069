package io.github.iothubcommands.internal;

import io.github.iothubcommands.spi.TimeSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wall-clock time. Tasks wait in one queue ordered by a monotonic due time; only the earliest is armed on
 * the JDK's shared delay scheduler ({@link CompletableFuture#delayedExecutor}), so the library owns no
 * timer thread, and a cancelled task (a deadline that was met, an expiry timer of a completed message)
 * is dropped from memory instead of lingering until its time — at thousands of commands a second with
 * hour-long deadlines that matters.
 *
 * <p>Due tasks run in due order on the thread that fires them (a common fork-join pool thread): keep
 * them short.
 */
public final class SystemTimeSource implements TimeSource {
  public static final SystemTimeSource INSTANCE = new SystemTimeSource();
  private static final Logger LOG = LoggerFactory.getLogger(SystemTimeSource.class);
  /** Purge cancelled tasks once they are this many and more than half the queue. */
  private static final int PURGE_THRESHOLD = 1024;

  private final Clock clock = Clock.systemUTC();
  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private long sequence;
  private int cancelled;
  private boolean armed;
  private long armedFor;

  private SystemTimeSource() {}

  @Override
  public Instant now() {
    return clock.instant();
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    long due = System.nanoTime() + Math.max(0, saturatedNanos(delay));
    Task t;
    synchronized (this) {
      t = new Task(due, sequence++, task);
      tasks.add(t);
      if (!armed || due - armedFor < 0) {
        arm(due);
      }
    }
    return () -> cancel(t);
  }

  private synchronized boolean cancel(Task t) {
    if (t.runnable == null) {
      return false; // already ran or cancelled
    }
    t.runnable = null;
    cancelled++;
    if (cancelled > PURGE_THRESHOLD && cancelled > tasks.size() / 2) {
      tasks.removeIf(x -> x.runnable == null);
      cancelled = 0;
    }
    return true;
  }

  /** Lock held. */
  private void arm(long due) {
    armed = true;
    armedFor = due;
    long delay = Math.max(0, due - System.nanoTime());
    CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS).execute(this::fire);
  }

  private void fire() {
    List<Runnable> due = new ArrayList<>();
    synchronized (this) {
      long now = System.nanoTime();
      armed = false;
      Task head;
      while ((head = tasks.peek()) != null && (head.runnable == null || head.due - now <= 0)) {
        tasks.poll();
        if (head.runnable == null) {
          cancelled = Math.max(0, cancelled - 1);
        } else {
          due.add(head.runnable);
          head.runnable = null;
        }
      }
      if (head != null) {
        arm(head.due);
      }
    }
    for (Runnable r : due) {
      try {
        r.run();
      } catch (RuntimeException e) {
        LOG.warn("Scheduled task failed", e);
      }
    }
  }

  /**
   * Returns how many tasks wait, cancelled ones not yet purged included (for tests).
   *
   * @return the queue size
   */
  synchronized int queued() {
    return tasks.size();
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? 0 : Long.MAX_VALUE / 4;
    }
  }

  @Override
  public String toString() {
    return "TimeSource.system()";
  }

  private static final class Task implements Comparable<Task> {
    final long due;
    final long seq;
    @Nullable Runnable runnable; // null once run or cancelled

    Task(long due, long seq, Runnable runnable) {
      this.due = due;
      this.seq = seq;
      this.runnable = runnable;
    }

    @Override
    public int compareTo(Task o) {
      long c = due - o.due;
      return c != 0 ? (c < 0 ? -1 : 1) : Long.compare(seq, o.seq);
    }
  }
}
