package io.github.iothubcommands.engine;

import io.github.iothubcommands.spi.CloudToDeviceMessage;
import java.time.Instant;
import java.util.Objects;

/**
 * A cloud-to-device message handed to a connected device, locked until the device settles it with its lock
 * token ({@link DeviceSession#complete}, {@link DeviceSession#abandon}, {@link DeviceSession#reject}) or the
 * lock times out.
 *
 * @param message the message as the service sent it
 * @param lockToken identifies this delivery; settling needs it
 * @param deliveryCount how many times the message has been delivered, this time included (from 1)
 * @param enqueuedTime when the hub queued the message
 */
public record DeliveredMessage(CloudToDeviceMessage message, String lockToken, int deliveryCount, Instant enqueuedTime) {
  /** Checks for nulls. */
  public DeliveredMessage {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(lockToken, "lockToken");
    Objects.requireNonNull(enqueuedTime, "enqueuedTime");
  }
}
