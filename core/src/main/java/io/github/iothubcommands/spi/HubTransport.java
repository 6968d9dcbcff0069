package io.github.iothubcommands.spi;

import io.github.iothubcommands.MethodResponse;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What the command client needs from a hub. Implementations translate to a protocol (the Azure IoT service
 * SDK) or to an engine (the testkit's fake hub).
 *
 * <p>Futures complete exceptionally with {@link io.github.iothubcommands.HubException} for anything the
 * hub refuses or fails; any other exception is treated as {@link io.github.iothubcommands.HubError#UNKNOWN}.
 * A method that throws instead of returning a failed future, or returns {@code null}, is a transport bug
 * the client survives: the command ends {@link io.github.iothubcommands.CommandStatus#FAILED}.
 * Implementations must be thread-safe and must not block the calling thread on network I/O.
 */
public interface HubTransport extends AutoCloseable {

  /**
   * Hands a message to the hub's queue for the device.
   *
   * @param message the message, already validated by the client
   * @return a future that completes when the hub has queued the message, or fails with the hub's refusal
   *     (queue full 403004, unknown device 404001, too large 413)
   */
  CompletableFuture<Void> sendCloudToDevice(CloudToDeviceMessage message);

  /**
   * Invokes a direct method.
   *
   * @param invocation the call, already validated by the client
   * @return a future of the device's reply (whatever its status), or failing with the hub's error (device
   *     offline 404103, gateway timeout 504101, unknown device 404001)
   */
  CompletableFuture<MethodResponse> invokeMethod(MethodInvocation invocation);

  /**
   * Starts delivering feedback batches to {@code receiver}. Called once, by the client that owns this
   * transport; batches may arrive on any thread, one at a time. The transport acknowledges a batch to the
   * hub only after the stage {@link FeedbackReceiver#receive} returned completes normally, and abandons it
   * (so the hub redelivers it) if the stage fails.
   *
   * @param receiver receives each batch of records as the hub sends it
   * @return a subscription; closing it stops delivery
   * @throws IllegalStateException if feedback was already started on this transport
   */
  FeedbackSubscription startFeedback(FeedbackReceiver receiver);

  /**
   * Returns the time source the hub runs on, if the transport has one the client must share (the fake
   * hub's virtual time). The client uses it unless the builder sets another.
   *
   * @return the hub's time source, or empty for wall-clock hubs
   */
  default Optional<TimeSource> timeSource() {
    return Optional.empty();
  }

  /** Releases connections and stops feedback delivery. */
  @Override
  void close();
}
