/**
 * The service provider interface between the command client and a hub: {@link
 * io.github.iothubcommands.spi.HubTransport} (enqueue a cloud-to-device message, invoke a direct method,
 * receive feedback) and {@link io.github.iothubcommands.spi.TimeSource} (the one place time comes from).
 *
 * <p>Implementations: the in-memory fake hub of {@code iothub-commands-testkit}; the Azure IoT service
 * SDK transport. Everything above this SPI is transport-agnostic.
 */
@NullMarked
package io.github.iothubcommands.spi;

import org.jspecify.annotations.NullMarked;
