package io.github.iothubcommands.engine;

import io.github.iothubcommands.spi.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Time that moves only when told to. {@link #advance(Duration)} runs every task that falls due, in order of
 * due time (ties in scheduling order), each seeing {@link #now()} at its own due time; tasks they schedule
 * run too if due within the advance. An hour of hub time passes in microseconds, and a run replays exactly.
 *
 * <p>Thread-safe; one advance runs at a time.
 */
public final class VirtualTime implements TimeSource {
  /** Where virtual time starts unless told otherwise: 2026-01-01T00:00:00Z. */
  public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");
  private static final Logger LOG = LoggerFactory.getLogger(VirtualTime.class);

  private final Object lock = new Object();
  private final Object advanceLock = new Object();
  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private static final int PURGE_THRESHOLD = 1024;
  private Instant now;
  private long sequence;
  private int cancelledInQueue;

  /** Creates virtual time at {@link #DEFAULT_START}. */
  public VirtualTime() {
    this(DEFAULT_START);
  }

  /**
   * Creates virtual time at {@code start}.
   *
   * @param start the initial instant
   */
  public VirtualTime(Instant start) {
    this.now = start;
  }

  @Override
  public Instant now() {
    synchronized (lock) {
      return now;
    }
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    synchronized (lock) {
      Task t = new Task(now.plus(delay.isNegative() ? Duration.ZERO : delay), sequence++, task);
      tasks.add(t);
      return () -> cancel(t);
    }
  }

  private boolean cancel(Task t) {
    if (!t.cancelled.compareAndSet(false, true)) {
      return false;
    }
    synchronized (lock) { // drop cancelled tasks once they are many, so long runs do not hoard them
      if (++cancelledInQueue > PURGE_THRESHOLD && cancelledInQueue > tasks.size() / 2) {
        tasks.removeIf(x -> x.cancelled.get());
        cancelledInQueue = 0;
      }
    }
    return true;
  }

  /**
   * Moves time forward by {@code duration}, running every task due by then.
   *
   * @param duration how far to move; zero runs only the tasks already due
   * @throws IllegalArgumentException if {@code duration} is negative
   */
  public void advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative, but was " + duration);
    }
    synchronized (advanceLock) {
      Instant target;
      synchronized (lock) {
        target = now.plus(duration);
      }
      Task next;
      while ((next = pollDue(target)) != null) {
        if (next.cancelled.compareAndSet(false, true)) {
          try {
            next.runnable.run();
          } catch (RuntimeException e) {
            LOG.warn("Virtual-time task failed", e);
          }
        }
      }
      synchronized (lock) {
        if (now.isBefore(target)) {
          now = target;
        }
      }
    }
  }

  /** Runs the tasks already due, without moving time. */
  public void runDue() {
    advance(Duration.ZERO);
  }

  /**
   * Returns how many tasks are scheduled and not yet run or cancelled.
   *
   * @return the number of pending tasks
   */
  public int pendingTasks() {
    synchronized (lock) {
      return (int) tasks.stream().filter(t -> !t.cancelled.get()).count();
    }
  }

  /** Tasks held in memory, cancelled ones not yet purged included (for tests). */
  int queuedTasks() {
    synchronized (lock) {
      return tasks.size();
    }
  }

  private @Nullable Task pollDue(Instant target) {
    synchronized (lock) {
      Task head = tasks.peek();
      if (head == null || head.due.isAfter(target)) {
        return null;
      }
      tasks.poll();
      if (head.cancelled.get()) {
        cancelledInQueue = Math.max(0, cancelledInQueue - 1);
      }
      if (head.due.isAfter(now)) {
        now = head.due;
      }
      return head;
    }
  }

  @Override
  public String toString() {
    return "VirtualTime{now=" + now() + ", pendingTasks=" + pendingTasks() + '}';
  }

  private static final class Task implements Comparable<Task> {
    final Instant due;
    final long seq;
    final Runnable runnable;
    final AtomicBoolean cancelled = new AtomicBoolean(); // also set once started

    Task(Instant due, long seq, Runnable runnable) {
      this.due = due;
      this.seq = seq;
      this.runnable = runnable;
    }

    @Override
    public int compareTo(Task o) {
      int c = due.compareTo(o.due);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
