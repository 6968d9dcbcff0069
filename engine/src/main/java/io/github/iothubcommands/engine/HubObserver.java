package io.github.iothubcommands.engine;

import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.MethodInvocation;

/**
 * Sees what the hub sees, for inspection. Called without the engine's lock held; keep it quick.
 */
public interface HubObserver {

  /**
   * The hub accepted a message into a device queue.
   *
   * @param message the message
   */
  default void messageEnqueued(CloudToDeviceMessage message) {}

  /**
   * The hub handed a message to a connected device (a first delivery or a redelivery).
   *
   * @param deviceId the device
   * @param message the delivery
   */
  default void messageDelivered(String deviceId, DeliveredMessage message) {}

  /**
   * The hub received a direct method call (accepted or not).
   *
   * @param invocation the call
   */
  default void methodInvoked(MethodInvocation invocation) {}

  /**
   * The hub emitted a feedback record (in a batch, whether or not a receiver took it yet).
   *
   * @param record the record
   */
  default void feedbackEmitted(io.github.iothubcommands.spi.FeedbackRecord record) {}

  /**
   * A registration's keys or status changed ({@link HubEngine#updateDeviceKeys}, {@link
   * HubEngine#setDeviceEnabled}); a front door may end what it authorized with the old ones.
   *
   * @param device the registration as it is now
   */
  default void deviceUpdated(DeviceInfo device) {}

  /**
   * A registration was deleted ({@link HubEngine#removeDevice}); a front door may drop what it keeps for the
   * device. A device created again under the same id is another registration (another generation).
   *
   * @param deviceId the deleted device's id
   */
  default void deviceRemoved(String deviceId) {}
}
