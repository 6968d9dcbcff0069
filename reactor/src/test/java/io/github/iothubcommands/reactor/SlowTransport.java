package io.github.iothubcommands.reactor;

import io.github.iothubcommands.MethodResponse;
import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.FeedbackReceiver;
import io.github.iothubcommands.spi.FeedbackSubscription;
import io.github.iothubcommands.spi.HubTransport;
import io.github.iothubcommands.spi.MethodInvocation;
import io.github.iothubcommands.spi.TimeSource;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hub whose every direct method is answered 200 a fixed time after the call, on a given time source; it
 * counts the calls in flight and the most there ever were. Cheap enough for 100,000 devices, which the fake
 * hub would have to register one by one.
 */
final class SlowTransport implements HubTransport {
  private final TimeSource time;
  private final Duration replyAfter;
  final AtomicInteger calls = new AtomicInteger();
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger maxInFlight = new AtomicInteger();

  SlowTransport(TimeSource time, Duration replyAfter) {
    this.time = time;
    this.replyAfter = replyAfter;
  }

  @Override
  public CompletableFuture<MethodResponse> invokeMethod(MethodInvocation invocation) {
    calls.incrementAndGet();
    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    CompletableFuture<MethodResponse> reply = new CompletableFuture<>();
    time.schedule(replyAfter, () -> {
      inFlight.decrementAndGet();
      reply.complete(new MethodResponse(200, "{}"));
    });
    return reply;
  }

  @Override
  public CompletableFuture<Void> sendCloudToDevice(CloudToDeviceMessage message) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException("this test hub answers methods only"));
  }

  @Override
  public FeedbackSubscription startFeedback(FeedbackReceiver receiver) {
    return () -> { };
  }

  @Override
  public void close() {}
}
