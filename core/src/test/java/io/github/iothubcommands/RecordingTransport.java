package io.github.iothubcommands;

import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.FeedbackReceiver;
import io.github.iothubcommands.spi.FeedbackSubscription;
import io.github.iothubcommands.spi.HubTransport;
import io.github.iothubcommands.spi.MethodInvocation;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what reaches the transport; C2D sends succeed, methods never answer. */
class RecordingTransport implements HubTransport {
  final List<Object> calls = new CopyOnWriteArrayList<>();
  volatile boolean closed;
  volatile FeedbackReceiver feedback;
  volatile boolean feedbackStopped;

  @Override
  public CompletableFuture<Void> sendCloudToDevice(CloudToDeviceMessage message) {
    calls.add(message);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<MethodResponse> invokeMethod(MethodInvocation invocation) {
    calls.add(invocation);
    return new CompletableFuture<>();
  }

  @Override
  public FeedbackSubscription startFeedback(FeedbackReceiver receiver) {
    feedback = receiver;
    return () -> feedbackStopped = true;
  }

  @Override
  public void close() {
    closed = true;
  }
}
