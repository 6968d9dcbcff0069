package io.github.iothubcommands.engine;

/**
 * The device's side of a connection, implemented by a front door (a simulated device, or the emulator's
 * MQTT/AMQP connection). The engine calls it without holding its lock, so an implementation may call
 * back into the engine at once.
 */
public interface DeviceEndpoint {

  /**
   * A cloud-to-device message for the device; called only after {@link DeviceSession#subscribeMessages()},
   * one message at a time: the next comes after this one is settled or its lock expires.
   *
   * @param message the locked message
   */
  void deliverMessage(DeliveredMessage message);

  /**
   * A direct method call for the device; called only after {@link DeviceSession#subscribeMethods()}.
   *
   * @param request the call
   */
  void invokeMethod(MethodRequest request);

  /**
   * The hub ended this connection: the device connected again elsewhere, was disabled or deleted, or the
   * engine closed. Not called when the device closes the session itself.
   *
   * @param reason why
   */
  default void disconnected(String reason) {}
}
