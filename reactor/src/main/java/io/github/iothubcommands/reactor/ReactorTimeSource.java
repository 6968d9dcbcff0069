package io.github.iothubcommands.reactor;

import io.github.iothubcommands.spi.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * A {@link TimeSource} on a Reactor {@link Scheduler}: {@link #now()} is the scheduler's clock and every task
 * runs on one {@linkplain Scheduler#createWorker() worker} of it, so tasks run one at a time, in order of due
 * time and, at the same due time, in the order they were scheduled. Give the command client this time source
 * and every deadline, backoff and feedback window it keeps is scheduled by Reactor; on a {@code
 * VirtualTimeScheduler} (reactor-test), {@code StepVerifier.withVirtualTime} drives them all.
 *
 * <pre>{@code
 * VirtualTimeScheduler vts = VirtualTimeScheduler.create();
 * ReactorTimeSource time = ReactorTimeSource.on(vts);
 * FakeHub hub = FakeHub.builder().timeSource(time).build(); // the hub's clock moves with the scheduler's too
 * }</pre>
 *
 * <p>A task is never run inside {@link #schedule}: a zero or negative delay runs it one nanosecond later on
 * the worker (at once on a real scheduler; at the next advance on a virtual one), so a caller that schedules
 * while holding a lock never sees its task run under that lock. Tasks run on the scheduler's thread: keep
 * them short and non-blocking. The scheduler must support delayed tasks ({@code Schedulers.immediate()} does
 * not). {@link #close()} disposes the worker; the scheduler itself stays the caller's.
 */
public final class ReactorTimeSource implements TimeSource, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReactorTimeSource.class);

  private final Scheduler scheduler;
  private final Scheduler.Worker worker;

  private ReactorTimeSource(Scheduler scheduler) {
    this.scheduler = scheduler;
    this.worker = scheduler.createWorker();
  }

  /**
   * Creates a time source on {@code scheduler}, with one worker of its own.
   *
   * @param scheduler the scheduler, such as {@code Schedulers.parallel()} or a {@code VirtualTimeScheduler}
   * @return the time source
   * @throws IllegalArgumentException if {@code scheduler} is null
   */
  public static ReactorTimeSource on(Scheduler scheduler) {
    if (scheduler == null) {
      throw new IllegalArgumentException("scheduler must not be null");
    }
    return new ReactorTimeSource(scheduler);
  }

  /**
   * Returns the scheduler this time source runs on.
   *
   * @return the scheduler
   */
  public Scheduler scheduler() {
    return scheduler;
  }

  /**
   * Returns the scheduler's current time, {@link Scheduler#now(TimeUnit)} in milliseconds: the wall clock on
   * Reactor's own schedulers, the virtual clock on a {@code VirtualTimeScheduler}. Milliseconds, because
   * Reactor's real schedulers answer {@code now(NANOSECONDS)} with {@code System.nanoTime()}, which is no
   * instant at all.
   *
   * @return now, on the scheduler's clock, to the millisecond
   */
  @Override
  public Instant now() {
    return Instant.ofEpochMilli(scheduler.now(TimeUnit.MILLISECONDS));
  }

  /**
   * Runs {@code task} on this time source's worker {@code delay} from now; see the class description for a
   * zero delay.
   *
   * @param delay how long to wait
   * @param task the task; an exception it throws is logged and does not affect other tasks
   * @return a handle that cancels the task if it has not started
   * @throws java.util.concurrent.RejectedExecutionException if the worker or the scheduler is disposed
   */
  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    Task t = new Task(task);
    t.disposable = worker.schedule(t, Math.max(1, saturatedNanos(delay)), TimeUnit.NANOSECONDS);
    return t;
  }

  /** Disposes the worker: tasks not yet run never run. Idempotent. */
  @Override
  public void close() {
    worker.dispose();
  }

  @Override
  public String toString() {
    return "ReactorTimeSource{" + scheduler + '}';
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? 0 : Long.MAX_VALUE / 4;
    }
  }

  /** One scheduled task: runs at most once, or is cancelled first. */
  private static final class Task extends AtomicInteger implements Runnable, Cancellable {
    private static final int PENDING = 0;
    private static final int STARTED = 1;
    private static final int CANCELLED = 2;
    private static final long serialVersionUID = 1L;
    private final transient Runnable task;
    transient volatile @Nullable Disposable disposable;

    Task(Runnable task) {
      this.task = task;
    }

    @Override
    public void run() {
      if (!compareAndSet(PENDING, STARTED)) {
        return;
      }
      try {
        task.run();
      } catch (RuntimeException | LinkageError | AssertionError e) { // one task never takes the others down
        LOG.warn("Scheduled task failed", e);
      }
    }

    @Override
    public boolean cancel() {
      if (!compareAndSet(PENDING, CANCELLED)) {
        return false;
      }
      Disposable d = disposable;
      if (d != null) {
        d.dispose(); // frees the scheduler's entry now rather than at its due time
      }
      return true;
    }
  }
}
