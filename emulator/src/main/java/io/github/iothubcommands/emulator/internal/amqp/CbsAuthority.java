package io.github.iothubcommands.emulator.internal.amqp;

import io.github.iothubcommands.emulator.internal.auth.DeviceCredential;
import io.github.iothubcommands.emulator.internal.auth.SasToken;
import io.github.iothubcommands.emulator.internal.auth.SasVerifier;
import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Decides what a CBS put-token request grants, with the emulator's {@link SasVerifier}. */
final class CbsAuthority {
  private static final String DEVICES = "/devices/";

  private final SasVerifier verifier;

  CbsAuthority(SasVerifier verifier) {
    this.verifier = verifier;
  }

  /**
   * Checks a token: one naming a policy ({@code skn}) grants service rights, one for {@code
   * {host}/devices/{id}} that device's rights.
   *
   * @param audience the request's {@code name}: the hub host, or {@code {host}/devices/{id}} with the device id
   *     in its own case (the token's resource is lower-cased); {@code null} if absent
   * @param token the SAS token
   * @return the grant, or a refusal whose reason never contains the token
   */
  CbsGrant check(@Nullable String audience, String token) {
    SasToken parsed;
    try {
      parsed = SasToken.parse(token);
    } catch (IllegalArgumentException e) {
      return new CbsGrant.Refused(e.getMessage());
    }
    Instant expiry = Instant.ofEpochSecond(parsed.expiryEpochSeconds());
    if (parsed.keyName() != null) {
      SasVerifier.Result r = verifier.checkService(parsed);
      return r.ok() ? new CbsGrant.Service(expiry) : new CbsGrant.Refused(r.reason());
    }
    String resource = audience != null && audience.toLowerCase(Locale.ROOT).equals(parsed.resource())
        ? audience : parsed.resource();
    int at = resource.toLowerCase(Locale.ROOT).indexOf(DEVICES);
    if (at <= 0) {
      return new CbsGrant.Refused("SAS resource " + parsed.resource() + " is not {host}/devices/{id}");
    }
    String deviceId = resource.substring(at + DEVICES.length());
    SasVerifier.Result r = verifier.checkDevice(deviceId, resource.substring(0, at), parsed);
    DeviceCredential credential = r.credential();
    return r.ok() && credential != null ? new CbsGrant.Device(deviceId, expiry, credential)
        : new CbsGrant.Refused(r.reason());
  }
}
