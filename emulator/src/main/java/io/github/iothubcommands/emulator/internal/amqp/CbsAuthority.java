package io.github.iothubcommands.emulator.internal.amqp;

import org.jspecify.annotations.Nullable;

/** Decides what a CBS put-token request grants. */
@FunctionalInterface
public interface CbsAuthority {

  /**
   * Checks a token.
   *
   * @param audience the request's {@code name}: the hub host for a service, {@code {host}/devices/{id}} for a
   *     device (case kept, unlike the token's lower-cased resource), or {@code null} if absent
   * @param token the SAS token
   * @return the grant, or a refusal whose reason never contains the token
   */
  CbsGrant check(@Nullable String audience, String token);
}
