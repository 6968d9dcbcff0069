package io.github.iothubcommands.emulator.internal;

import java.time.Duration;

/**
 * How long the front doors wait for a peer before they close its connection.
 *
 * @param handshake from accepting a connection to its TLS handshake done and its protocol opened (AMQP
 *     header, SASL and Open; MQTT CONNECT); also the TLS handshake alone on HTTPS
 * @param request HTTPS: from a request's first byte to its last (headers and body)
 * @param idle HTTPS: a connection with no request in flight (a direct method waiting for its device is in
 *     flight)
 */
public record Timeouts(Duration handshake, Duration request, Duration idle) {
  /** The defaults: 30 s to open (MQTT's connect timeout before), 30 s per request, 4 min idle. */
  public static final Timeouts DEFAULTS =
      new Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMinutes(4));
}
