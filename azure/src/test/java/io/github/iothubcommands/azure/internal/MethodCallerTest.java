package io.github.iothubcommands.azure.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubcommands.HubError;
import io.github.iothubcommands.HubException;
import io.github.iothubcommands.MethodResponse;
import io.github.iothubcommands.spi.MethodInvocation;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class MethodCallerTest {

  @Test
  @Timeout(10)
  void callsThePoolNeverStartedFailAsConnectionFailedWhenItStops() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    CountDownLatch busy = new CountDownLatch(1);
    // The only pool thread blocks while making its client, so the second call waits in the queue.
    MethodCaller caller = new MethodCaller(readTimeout -> {
      busy.countDown();
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("interrupted");
    }, pool);
    MethodInvocation call = MethodInvocation.builder().deviceId("d1").methodName("ping").build();
    CompletableFuture<MethodResponse> running = caller.invoke(call);
    assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<MethodResponse> queued = caller.invoke(call);

    MethodCaller.failNotStarted(pool.shutdownNow());

    assertThat(queued).isCompletedExceptionally();
    assertThat(error(queued).error()).isEqualTo(HubError.CONNECTION_FAILED);
    assertThat(error(running).error()).isEqualTo(HubError.CONNECTION_FAILED); // interrupted mid-call
    assertThat(caller.invoke(call)).isCompletedExceptionally(); // after the stop: refused at once
  }

  private static HubException error(CompletableFuture<MethodResponse> f) throws InterruptedException {
    try {
      f.get(5, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return (HubException) e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer", e);
    }
  }
}
