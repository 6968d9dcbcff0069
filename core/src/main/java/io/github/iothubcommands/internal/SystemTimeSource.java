package io.github.iothubcommands.internal;

import io.github.iothubcommands.spi.TimeSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wall-clock time on one timer thread of its own. Tasks wait in one queue ordered by a monotonic due time;
 * the thread sleeps until the earliest is due and runs due tasks in order. A cancelled task (a deadline
 * that was met, an expiry timer of a completed message) is dropped from memory instead of lingering until
 * its time — at thousands of commands a second with hour-long deadlines that matters.
 *
 * <p>One thread whatever the number of timers: the JDK's delayed executor of {@code CompletableFuture} runs
 * each task on the common pool, which on a machine with fewer than 3 cores starts a new thread per task.
 * The thread starts with the first task and stops at {@link #close()}; a client that made its own instance
 * closes it with itself. {@link #SHARED} (behind {@link TimeSource#system()}) is never closed: its one
 * daemon thread lives as long as the JVM.
 *
 * <p>Due tasks run on the timer thread: keep them short.
 */
public final class SystemTimeSource implements TimeSource, AutoCloseable {
  /** The JVM-wide instance behind {@link TimeSource#system()}. */
  public static final SystemTimeSource SHARED = new SystemTimeSource("iothub-commands-timer");
  private static final Logger LOG = LoggerFactory.getLogger(SystemTimeSource.class);
  private static final AtomicInteger CLIENT_TIMERS = new AtomicInteger();
  /** Purge cancelled tasks once they are this many and more than half the queue. */
  private static final int PURGE_THRESHOLD = 1024;

  private final Clock clock = Clock.systemUTC();
  private final String threadName;
  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private @Nullable ExecutorService thread;
  private long sequence;
  private int cancelled;
  private boolean closed;

  private SystemTimeSource(String threadName) {
    this.threadName = threadName;
  }

  /**
   * Creates a time source with a timer thread of its own, for one client; close it with the client.
   *
   * @return a new time source
   */
  public static SystemTimeSource create() {
    return new SystemTimeSource("iothub-commands-client-timer-" + CLIENT_TIMERS.incrementAndGet());
  }

  @Override
  public Instant now() {
    return clock.instant();
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    long due = System.nanoTime() + Math.max(0, saturatedNanos(delay));
    Task t;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("time source is closed: " + threadName);
      }
      t = new Task(due, sequence++, task);
      tasks.add(t);
      if (thread == null) {
        thread = Executors.newSingleThreadExecutor(runnable -> {
          Thread th = Executors.defaultThreadFactory().newThread(runnable);
          th.setName(threadName);
          th.setDaemon(true);
          return th;
        });
        thread.execute(this::runLoop);
      } else if (tasks.peek() == t) {
        notifyAll(); // a new earliest task: the timer thread sleeps less
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

  private void runLoop() {
    List<Runnable> due = new ArrayList<>();
    while (true) {
      synchronized (this) {
        try {
          while (!closed && !takeDue(due)) {
            Task head = tasks.peek();
            long wait = head == null ? 0 : head.due - System.nanoTime();
            if (head == null) {
              wait();
            } else {
              TimeUnit.NANOSECONDS.timedWait(this, Math.max(1, wait));
            }
          }
        } catch (InterruptedException e) {
          if (closed) {
            return;
          }
          continue; // a task left the interrupt flag set: the timer thread must live on
        }
        if (closed) {
          return;
        }
      }
      for (Runnable r : due) {
        try {
          r.run();
        } catch (RuntimeException | LinkageError | AssertionError e) { // one task never takes the timer down
          LOG.warn("Scheduled task failed", e);
        }
      }
      due.clear();
    }
  }

  /** Lock held: moves every due task into {@code due}; false if none was due. */
  private boolean takeDue(List<Runnable> due) {
    long now = System.nanoTime();
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
    return !due.isEmpty();
  }

  /**
   * Stops the timer thread; tasks not yet run never run. Idempotent. {@link #SHARED} cannot be closed.
   *
   * @throws UnsupportedOperationException for {@link #SHARED}
   */
  @Override
  public void close() {
    if (this == SHARED) {
      throw new UnsupportedOperationException("TimeSource.system() is shared by the JVM and cannot be closed");
    }
    ExecutorService t;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      tasks.clear();
      t = thread;
      notifyAll();
    }
    if (t != null) {
      t.shutdownNow();
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
    return this == SHARED ? "TimeSource.system()" : "SystemTimeSource{" + threadName + '}';
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
