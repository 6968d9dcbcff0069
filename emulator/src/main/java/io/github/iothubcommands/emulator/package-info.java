/**
 * A local IoT Hub emulator: the testkit's hub engine behind IoT Hub's real protocols, so the unmodified
 * Azure IoT SDK clients, service and device, connect to it on loopback. Start it with {@link
 * io.github.iothubcommands.emulator.IotHubEmulator#builder()} or from the command line ({@code java -jar
 * iothub-commands-emulator-VERSION-all.jar --devices d1,d2}); see {@code docs/emulator.md}.
 *
 * <p>Front doors: HTTPS (default port 8443) for direct methods and the device registry; MQTT 3.1.1 over
 * TLS on 8883 for devices (connect with SAS, cloud-to-device delivery, direct method requests and
 * replies). Shared access signatures are verified for real (HMAC-SHA256, resource, expiry).
 *
 * <p>Threading model: one Netty acceptor thread and two Netty event loops serve every connection of every
 * front door; a connection stays on one event loop. The front doors only translate between the wire and
 * the {@link io.github.iothubcommands.engine.HubEngine}, which is thread-safe, guards its state with
 * one lock held only for short in-memory work, and calls out (deliveries to devices, method futures,
 * feedback) without holding it. Nothing blocks an event loop: a direct method's HTTP request completes
 * from the engine's future, so a call waiting up to 300 s holds no thread. Deliveries to a device are
 * writes queued on its channel, safe from any thread. The engine's timers (method timeouts, message
 * expiry, lock expiry, feedback batching) run on the wall clock's scheduler ({@link
 * io.github.iothubcommands.spi.TimeSource#system()}).
 */
@NullMarked
package io.github.iothubcommands.emulator;

import org.jspecify.annotations.NullMarked;
