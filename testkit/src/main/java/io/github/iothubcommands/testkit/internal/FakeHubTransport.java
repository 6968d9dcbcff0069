package io.github.iothubcommands.testkit.internal;

import io.github.iothubcommands.HubException;
import io.github.iothubcommands.MethodResponse;
import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.FeedbackReceiver;
import io.github.iothubcommands.spi.FeedbackSubscription;
import io.github.iothubcommands.spi.HubTransport;
import io.github.iothubcommands.spi.MethodInvocation;
import io.github.iothubcommands.spi.TimeSource;
import io.github.iothubcommands.engine.HubEngine;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** The in-memory front door: the transport SPI straight onto the engine. */
public final class FakeHubTransport implements HubTransport {
  private final HubEngine engine;
  private @Nullable FeedbackSubscription feedbackSubscription;
  private volatile boolean closed;

  public FakeHubTransport(HubEngine engine) {
    this.engine = engine;
  }

  @Override
  public CompletableFuture<Void> sendCloudToDevice(CloudToDeviceMessage message) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("transport is closed"));
    }
    try {
      engine.enqueue(message);
      return CompletableFuture.completedFuture(null);
    } catch (HubException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<MethodResponse> invokeMethod(MethodInvocation invocation) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("transport is closed"));
    }
    return engine.invoke(invocation);
  }

  @Override
  public synchronized FeedbackSubscription startFeedback(FeedbackReceiver receiver) {
    if (feedbackSubscription != null) {
      throw new IllegalStateException("feedback already started on this transport");
    }
    FeedbackSubscription subscription = engine.subscribeFeedback(receiver);
    feedbackSubscription = subscription;
    return subscription;
  }

  @Override
  public Optional<TimeSource> timeSource() {
    return Optional.of(engine.time());
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (feedbackSubscription != null) {
      feedbackSubscription.close();
      feedbackSubscription = null;
    }
  }
}
