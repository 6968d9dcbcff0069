/**
 * The emulator's AMQPS front door on port 5671: Netty terminates TLS, one proton-j engine (no Reactor) per
 * connection speaks AMQP 1.0 behind it, and the links the Azure IoT SDKs open are routed to the testkit's
 * hub engine: claims-based security ({@code $cbs}), service C2D intake ({@code /messages/devicebound}),
 * feedback ({@code /messages/servicebound/feedback}) and the device links under {@code /devices/{id}/…}.
 *
 * <p>Threading: everything proton-j runs on the channel's event loop; hub engine callbacks hop back onto it
 * through {@code AmqpConnection.runOnLoop}. Not an API: it may change in any release.
 */
@NullMarked
package io.github.iothubcommands.emulator.internal.amqp;

import org.jspecify.annotations.NullMarked;
