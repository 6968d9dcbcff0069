package io.github.iothubcommands.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * One record of the hub's feedback on a cloud-to-device message.
 *
 * @param originalMessageId the message id the message was sent with (the command id)
 * @param deviceId the device the message was for
 * @param status what became of the message
 * @param enqueuedTime when the hub recorded the outcome
 * @param description the hub's text for the status
 */
public record FeedbackRecord(
    String originalMessageId, String deviceId, FeedbackStatus status, Instant enqueuedTime, String description) {

  /** Checks for nulls. */
  public FeedbackRecord {
    Objects.requireNonNull(originalMessageId, "originalMessageId");
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(enqueuedTime, "enqueuedTime");
    Objects.requireNonNull(description, "description");
  }
}
