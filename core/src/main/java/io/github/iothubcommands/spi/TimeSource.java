package io.github.iothubcommands.spi;

import io.github.iothubcommands.internal.SystemTimeSource;
import java.time.Duration;
import java.time.Instant;

/**
 * The single source of time for the command client and the hub engine: the current instant and delayed
 * execution. Nothing in the library reads the system clock or sleeps; it asks its {@code TimeSource}.
 *
 * <p>{@link #system()} runs on the wall clock. The testkit's virtual time implements this interface too, so
 * a test can advance an hour of time-to-live or a 300 s method timeout in microseconds.
 *
 * <p>Implementations must be thread-safe.
 */
public interface TimeSource {

  /**
   * Returns the current instant.
   *
   * @return the current instant of this time source
   */
  Instant now();

  /**
   * Runs {@code task} once, {@code delay} after {@link #now()}. Tasks due at the same instant run in the
   * order they were scheduled.
   *
   * @param delay how long to wait; zero or negative runs the task as soon as possible
   * @param task the task; an exception it throws is logged and does not affect other tasks
   * @return a handle that cancels the task if it has not started
   */
  Cancellable schedule(Duration delay, Runnable task);

  /**
   * Returns the JVM's shared wall-clock time source: {@link java.time.Clock#systemUTC()} and one daemon timer
   * thread, started with the first task, that runs due tasks in order (keep them short). A {@code
   * CommandClient} built without a time source does not use it: it makes a wall-clock time source with a
   * thread of its own and stops it at {@code close()}.
   *
   * @return the system time source
   */
  static TimeSource system() {
    return SystemTimeSource.SHARED;
  }

  /** A scheduled task that can be cancelled. */
  @FunctionalInterface
  interface Cancellable {
    /**
     * Cancels the task if it has not started.
     *
     * @return {@code true} if this call prevented the task from running
     */
    boolean cancel();
  }
}
