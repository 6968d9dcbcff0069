package io.github.iothubcommands;

/**
 * Which feedback the hub sends for a cloud-to-device message ({@code iothub-ack} on the wire), and so what
 * the client can know of the message's fate.
 */
public enum Acknowledgement {
  /**
   * No feedback. The command completes as {@link CommandStatus#ACCEPTED} as soon as the hub has queued
   * the message: nothing more can be known.
   */
  NONE("none"),
  /**
   * Feedback only when the device completes the message. If none arrives by the message's expiry plus the
   * client's feedback window, the command completes as {@link CommandStatus#NOT_DELIVERED}, marked
   * {@linkplain CommandOutcome#inferred() inferred}.
   */
  POSITIVE("positive"),
  /**
   * Feedback only when the message expires, is rejected, exceeds its delivery count or is purged. If none
   * arrives by the message's expiry plus the client's feedback window, the command completes as
   * {@link CommandStatus#DELIVERED}, marked {@linkplain CommandOutcome#inferred() inferred}.
   */
  NEGATIVE("negative"),
  /** Feedback for every outcome: the command's terminal status is the one the hub reports. */
  FULL("full");

  private final String wireValue;

  Acknowledgement(String wireValue) {
    this.wireValue = wireValue;
  }

  /**
   * Returns the value of the {@code iothub-ack} message property.
   *
   * @return {@code none}, {@code positive}, {@code negative} or {@code full}
   */
  public String wireValue() {
    return wireValue;
  }

  /**
   * Parses an {@code iothub-ack} value, case-insensitively. Besides the documented values it accepts
   * {@code positiveonly} and {@code negativeonly}, which the Azure IoT Java service SDK sends.
   *
   * @param value the property value
   * @return the acknowledgement mode
   * @throws IllegalArgumentException if the value is not one of the four modes
   */
  public static Acknowledgement fromWireValue(String value) {
    for (Acknowledgement a : values()) {
      if (a.wireValue.equalsIgnoreCase(value) || (a.wireValue + "only").equalsIgnoreCase(value)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "iothub-ack must be one of none, positive, negative, full, but was '" + value + "'");
  }

  /**
   * Whether the hub reports a successful delivery under this mode.
   *
   * @return {@code true} for {@link #POSITIVE} and {@link #FULL}
   */
  public boolean reportsSuccess() {
    return this == POSITIVE || this == FULL;
  }

  /**
   * Whether the hub reports a failed delivery under this mode.
   *
   * @return {@code true} for {@link #NEGATIVE} and {@link #FULL}
   */
  public boolean reportsFailure() {
    return this == NEGATIVE || this == FULL;
  }
}
