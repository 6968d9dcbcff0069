package io.github.iothubcommands;

import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.FeedbackRecord;
import io.github.iothubcommands.spi.HubTransport;
import io.github.iothubcommands.spi.MethodInvocation;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Records what reaches the transport; C2D sends succeed, methods never answer. */
class RecordingTransport implements HubTransport {
  final List<Object> calls = new CopyOnWriteArrayList<>();
  volatile boolean closed;
  volatile Consumer<List<FeedbackRecord>> feedback;

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
  public void startFeedback(Consumer<List<FeedbackRecord>> receiver) {
    feedback = receiver;
  }

  @Override
  public void close() {
    closed = true;
  }
}
