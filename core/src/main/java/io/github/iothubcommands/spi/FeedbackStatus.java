package io.github.iothubcommands.spi;

import io.github.iothubcommands.CommandStatus;

/** What the hub reports about a cloud-to-device message in a feedback record. */
public enum FeedbackStatus {
  /** The device completed the message. */
  SUCCESS("Success", CommandStatus.DELIVERED),
  /** The message expired before the device completed it. */
  EXPIRED("Expired", CommandStatus.EXPIRED),
  /** The message was delivered more often than the maximum delivery count without being completed. */
  DELIVERY_COUNT_EXCEEDED("DeliveryCountExceeded", CommandStatus.DELIVERY_COUNT_EXCEEDED),
  /** The device rejected the message. */
  REJECTED("Rejected", CommandStatus.REJECTED),
  /** The device queue was purged. */
  PURGED("Purged", CommandStatus.PURGED);

  private final String wireValue;
  private final CommandStatus commandStatus;

  FeedbackStatus(String wireValue, CommandStatus commandStatus) {
    this.wireValue = wireValue;
    this.commandStatus = commandStatus;
  }

  /**
   * Returns the {@code statusCode} string of the feedback JSON.
   *
   * @return the wire value, such as {@code DeliveryCountExceeded}
   */
  public String wireValue() {
    return wireValue;
  }

  /**
   * Returns the terminal command status this feedback means.
   *
   * @return the command status
   */
  public CommandStatus commandStatus() {
    return commandStatus;
  }

  /**
   * Whether this is a positive outcome (reported under {@code positive} and {@code full} acknowledgement).
   *
   * @return {@code true} for {@link #SUCCESS} only
   */
  public boolean isPositive() {
    return this == SUCCESS;
  }

  /**
   * Parses a {@code statusCode} string, case-insensitively.
   *
   * @param value the wire value
   * @return the status
   * @throws IllegalArgumentException if the value is not a known status
   */
  public static FeedbackStatus fromWireValue(String value) {
    for (FeedbackStatus s : values()) {
      if (s.wireValue.equalsIgnoreCase(value)) {
        return s;
      }
    }
    throw new IllegalArgumentException("feedback statusCode must be one of Success, Expired, "
        + "DeliveryCountExceeded, Rejected, Purged, but was '" + value + "'");
  }
}
