package io.github.iothubcommands.internal;

import io.github.iothubcommands.spi.TimeSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wall-clock time over the JDK's shared delay scheduler ({@link CompletableFuture#delayedExecutor}), so the
 * library owns no timer thread of its own.
 */
public final class SystemTimeSource implements TimeSource {
  public static final SystemTimeSource INSTANCE = new SystemTimeSource();
  private static final Logger LOG = LoggerFactory.getLogger(SystemTimeSource.class);

  private final Clock clock = Clock.systemUTC();

  private SystemTimeSource() {}

  @Override
  public Instant now() {
    return clock.instant();
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    AtomicBoolean state = new AtomicBoolean(); // true once cancelled or started
    long nanos = Math.max(0, saturatedNanos(delay));
    CompletableFuture.delayedExecutor(nanos, TimeUnit.NANOSECONDS, ForkJoinPool.commonPool())
        .execute(
            () -> {
              if (state.compareAndSet(false, true)) {
                try {
                  task.run();
                } catch (RuntimeException e) {
                  LOG.warn("Scheduled task failed", e);
                }
              }
            });
    return () -> state.compareAndSet(false, true);
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  @Override
  public String toString() {
    return "TimeSource.system()";
  }
}
