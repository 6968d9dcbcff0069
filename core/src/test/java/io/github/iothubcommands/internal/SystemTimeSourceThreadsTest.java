package io.github.iothubcommands.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.MethodResponse;
import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.FeedbackReceiver;
import io.github.iothubcommands.spi.FeedbackSubscription;
import io.github.iothubcommands.spi.HubTransport;
import io.github.iothubcommands.spi.MethodInvocation;
import io.github.iothubcommands.spi.TimeSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Wall-clock timers run on threads the library owns, a bounded number, stopped at close. */
class SystemTimeSourceThreadsTest {

  @Test
  @Timeout(120)
  void tenThousandTimersUseOneThreadEvenWhenTheCommonPoolHasParallelismOne() throws Exception {
    Probe jdk = probe("delayedExecutor");
    Probe ours = probe("systemTimeSource");
    assertThat(jdk.parallelism).isEqualTo(1);
    assertThat(jdk.fired).isTrue();
    // The defect this guards against, reproduced in the same conditions: a thread per timer firing.
    assertThat(jdk.threadsStarted).isGreaterThan(1000);
    assertThat(ours.parallelism).isEqualTo(1);
    assertThat(ours.fired).isTrue();
    assertThat(ours.threadsStarted).isLessThanOrEqualTo(2);
  }

  @Test
  @Timeout(10)
  void closeStopsTheTimerThreadAndRefusesNewTasks() throws InterruptedException {
    SystemTimeSource time = SystemTimeSource.create();
    CountDownLatch ran = new CountDownLatch(1);
    String[] name = new String[1];
    Thread[] thread = new Thread[1];
    time.schedule(Duration.ZERO, () -> {
      thread[0] = Thread.currentThread();
      name[0] = thread[0].getName();
      ran.countDown();
    });
    assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(name[0]).startsWith("iothub-commands-client-timer-");
    time.close();
    thread[0].join(5000);
    assertThat(thread[0].isAlive()).isFalse();
    assertThatThrownBy(() -> time.schedule(Duration.ZERO, () -> { }))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  @Timeout(10)
  void aClientWithoutATimeSourceStopsItsOwnTimerAtClose() throws InterruptedException {
    CommandClient client = CommandClient.builder().transport(new NoTimeTransport()).build();
    client.sendAsync("d1", io.github.iothubcommands.Command.named("x").build(),
        io.github.iothubcommands.DeliveryStrategy.directMethod()); // arms the method's guard timer
    Thread timer = findThread("iothub-commands-client-timer-");
    assertThat(timer).isNotNull();
    client.close();
    timer.join(5000);
    assertThat(timer.isAlive()).isFalse();
  }

  @Test
  void theSharedTimeSourceCannotBeClosed() {
    assertThatThrownBy(() -> ((SystemTimeSource) TimeSource.system()).close())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  private static Thread findThread(String prefix) {
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith(prefix) && t.isAlive()) {
        return t;
      }
    }
    return null;
  }

  private record Probe(int parallelism, boolean fired, int threadsStarted) {}

  private static Probe probe(String mode) throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-Djava.util.concurrent.ForkJoinPool.common.parallelism=1",
        "-cp", System.getProperty("java.class.path"), TimerThreadsProbe.class.getName(), mode)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(100, TimeUnit.SECONDS)).isTrue();
    Matcher m = Pattern.compile("parallelism=(\\d+) fired=(\\w+) threadsStarted=(\\d+)").matcher(out);
    assertThat(m.find()).as("probe output: %s", out).isTrue();
    return new Probe(Integer.parseInt(m.group(1)), Boolean.parseBoolean(m.group(2)), Integer.parseInt(m.group(3)));
  }

  /** A transport without a time source of its own, whose calls never complete. */
  private static final class NoTimeTransport implements HubTransport {
    @Override
    public CompletableFuture<Void> sendCloudToDevice(CloudToDeviceMessage message) {
      return new CompletableFuture<>();
    }

    @Override
    public CompletableFuture<MethodResponse> invokeMethod(MethodInvocation invocation) {
      return new CompletableFuture<>();
    }

    @Override
    public FeedbackSubscription startFeedback(FeedbackReceiver receiver) {
      return () -> { };
    }

    @Override
    public void close() {}
  }
}
