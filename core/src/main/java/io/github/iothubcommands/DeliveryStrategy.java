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
 * </ul>
 *
 * <p>See {@code docs/choosing-a-delivery-strategy.md} for the trade-offs.
 */
public sealed interface DeliveryStrategy permits CloudToDevice, DirectMethod {

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
}
