package io.github.iothubcommands;

/**
 * How a command travels to the device: the choice between IoT Hub's two mechanisms, as a value.
 *
 * <ul>
 *   <li>{@link CloudToDevice}: the hub queues the message per device (FIFO, at most 50 deep), delivers it
 *       whether or not the device is online when sent, drops it at its expiry, and reports its fate
 *       through feedback. Choose it for commands that must survive a device being offline and where a
 *       reply is not needed.
 *   <li>{@link DirectMethod}: an immediate request-response call on a connected device, with a connect
 *       timeout (how long the hub waits for an offline device) and a response timeout. Choose it when the
 *       caller needs the device's answer now.
 *   <li>{@link Fallback}: a direct method first, then, if the device is offline, a cloud-to-device message.
 * </ul>
 *
 * <p>Direct methods and cloud-to-device sends each take a {@link RetryPolicy}.
 *
 * <p>See {@code docs/choosing-a-delivery-strategy.md} for the trade-offs.
 */
public sealed interface DeliveryStrategy permits CloudToDevice, DirectMethod, Fallback {

  /**
   * Calls the visitor's method for this strategy's type. The client dispatches on strategies this way, so
   * that a new strategy cannot be added without every dispatch handling it: the compiler refuses a visitor
   * that lacks its method.
   *
   * <p>Code outside the library rarely needs this. If you implement {@link Visitor}, know that a new
   * strategy adds a method to it (the point of the pattern), which your implementation must then handle.
   *
   * @param visitor the visitor
   * @param <R> what the visitor returns
   * @return what the visitor's method returned
   */
  <R> R accept(Visitor<R> visitor);

  /**
   * Returns a cloud-to-device strategy with the defaults: time-to-live {@link CloudToDevice#DEFAULT_TTL},
   * acknowledgement {@link CloudToDevice#DEFAULT_ACKNOWLEDGEMENT}.
   *
   * @return the default cloud-to-device strategy
   */
  static CloudToDevice cloudToDevice() {
    return CloudToDevice.ofDefaults();
  }

  /**
   * Returns a direct-method strategy with the defaults: connect timeout {@link
   * DirectMethod#DEFAULT_CONNECT_TIMEOUT}, response timeout {@link DirectMethod#DEFAULT_RESPONSE_TIMEOUT}.
   *
   * @return the default direct-method strategy
   */
  static DirectMethod directMethod() {
    return DirectMethod.ofDefaults();
  }

  /**
   * Returns a strategy that calls the device with {@code first} and, if it ends {@link
   * CommandStatus#DEVICE_OFFLINE}, queues the command as a cloud-to-device message with {@code then}. See
   * {@link Fallback}.
   *
   * @param first the direct method tried first, with its connect timeout and retry policy
   * @param then the cloud-to-device message sent when the device is offline, with its time-to-live,
   *     acknowledgement and retry policy
   * @return the fallback strategy
   * @throws IllegalArgumentException if either is null
   */
  static Fallback fallback(DirectMethod first, CloudToDevice then) {
    return Fallback.of(first, then);
  }

  /**
   * One method per strategy type; see {@link #accept(Visitor)}.
   *
   * @param <R> what the visit returns
   */
  interface Visitor<R> {
    /**
     * Visits a cloud-to-device strategy.
     *
     * @param strategy the strategy
     * @return the visit's result
     */
    R visitCloudToDevice(CloudToDevice strategy);

    /**
     * Visits a direct-method strategy.
     *
     * @param strategy the strategy
     * @return the visit's result
     */
    R visitDirectMethod(DirectMethod strategy);

    /**
     * Visits a fallback strategy.
     *
     * @param strategy the strategy
     * @return the visit's result
     */
    R visitFallback(Fallback strategy);
  }
}
