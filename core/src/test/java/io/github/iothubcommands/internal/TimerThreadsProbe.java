package io.github.iothubcommands.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/**
 * Run in a JVM of its own (see {@link SystemTimeSourceThreadsTest}): fires 10,000 short timers, either on a
 * client's {@link SystemTimeSource} or on the JDK's {@code delayedExecutor}, and prints the common pool's
 * parallelism and how many threads the JVM started meanwhile.
 */
public final class TimerThreadsProbe {
  private TimerThreadsProbe() {}

  public static void main(String[] args) throws InterruptedException {
    boolean jdk = args.length > 0 && args[0].equals("delayedExecutor");
    int timers = 10_000;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long before = threads.getTotalStartedThreadCount();
    CountDownLatch fired = new CountDownLatch(timers);
    SystemTimeSource time = SystemTimeSource.create();
    for (int i = 0; i < timers; i++) {
      long delayMillis = 1 + i % 50;
      if (jdk) {
        CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS).execute(fired::countDown);
      } else {
        time.schedule(Duration.ofMillis(delayMillis), fired::countDown);
      }
    }
    boolean done = fired.await(60, TimeUnit.SECONDS);
    time.close();
    System.out.println("parallelism=" + ForkJoinPool.getCommonPoolParallelism() + " fired=" + done
        + " threadsStarted=" + (threads.getTotalStartedThreadCount() - before));
  }
}
