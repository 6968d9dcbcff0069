package io.github.iothubcommands.engine;

/**
 * A device's connection to the engine, returned by {@link HubEngine#connect}. Closing it disconnects the
 * device: pending method calls then time out, and a locked message returns to the queue when its lock
 * expires.
 */
public interface DeviceSession extends AutoCloseable {

  /**
   * Returns the connected device's id.
   *
   * @return the device id
   */
  String deviceId();

  /** Starts cloud-to-device delivery to this session (MQTT subscribe, AMQP receiver link). */
  void subscribeMessages();

  /** Starts routing direct methods to this session; until then the device counts as offline for methods. */
  void subscribeMethods();

  /**
   * Completes a delivered message: it leaves the queue with {@code Success} feedback.
   *
   * @param lockToken the token of the delivery
   * @return {@code false} if the token is unknown or its lock expired (the message was not settled)
   */
  boolean complete(String lockToken);

  /**
   * Abandons a delivered message: it returns to the head of the queue, or is dead-lettered with {@code
   * DeliveryCountExceeded} feedback once delivered the maximum number of times.
   *
   * @param lockToken the token of the delivery
   * @return {@code false} if the token is unknown or its lock expired
   */
  boolean abandon(String lockToken);

  /**
   * Rejects a delivered message: it leaves the queue with {@code Rejected} feedback.
   *
   * @param lockToken the token of the delivery
   * @return {@code false} if the token is unknown or its lock expired
   */
  boolean reject(String lockToken);

  /**
   * Answers a direct method call.
   *
   * @param requestId the call's {@link MethodRequest#requestId()}
   * @param status the device's status code
   * @param payloadJson the reply payload, JSON text
   * @return {@code false} if the call is unknown or already timed out
   */
  boolean respond(String requestId, int status, String payloadJson);

  /**
   * Whether this session is still the device's connection.
   *
   * @return {@code true} until closed or replaced
   */
  boolean isOpen();

  /** Disconnects the device. Idempotent. */
  @Override
  void close();
}
