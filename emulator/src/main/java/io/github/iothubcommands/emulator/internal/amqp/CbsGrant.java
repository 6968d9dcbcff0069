package io.github.iothubcommands.emulator.internal.amqp;

import io.github.iothubcommands.emulator.internal.auth.DeviceCredential;
import java.time.Instant;

/** What a put-token request earned: service rights, one device's rights, or a refusal (HTTP-style 401). */
public sealed interface CbsGrant {

  /**
   * Rights of a shared access policy: send C2D messages and receive feedback.
   *
   * @param expiry when the token expires
   */
  record Service(Instant expiry) implements CbsGrant {}

  /**
   * Rights of one device: its own links under {@code /devices/{id}/}, while the token has not expired and
   * the identity it was checked against is current.
   *
   * @param deviceId the device
   * @param expiry when the token expires
   * @param credential the registration and key the token was checked against
   */
  record Device(String deviceId, Instant expiry, DeviceCredential credential) implements CbsGrant {}

  /**
   * A refused token.
   *
   * @param reason why, never containing the token or its signature
   */
  record Refused(String reason) implements CbsGrant {}
}
