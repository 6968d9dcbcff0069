/**
 * A local IoT Hub emulator: the hub engine (the one behind the testkit's in-memory fake hub) behind IoT
 * Hub's real protocols, so the unmodified Azure IoT SDK clients, service and device, connect to it on
 * loopback. Start it with {@link io.github.iothubcommands.emulator.IotHubEmulator#builder()} or from the
 * command line ({@code java -jar iothub-commands-emulator-VERSION-all.jar --devices d1,d2}), either of them
 * optionally from a JSON or YAML configuration file (hub name, address, ports, devices with their keys,
 * limits, tier: {@link io.github.iothubcommands.emulator.IotHubEmulator.Builder#config}, {@code --config});
 * see {@code docs/emulator.md}.
 *
 * <p>Front doors, each behind TLS with a certificate generated at start:
 *
 * <ul>
 *   <li><b>HTTPS</b> (default port 8443, configurable) for the service SDK's {@code DirectMethodsClient} and
 *       {@code RegistryClient}: direct methods ({@code POST /twins/{id}/methods}) and the device registry
 *       ({@code GET/PUT/DELETE /devices/{id}}); a service SAS token for the {@code iothubowner} policy. Also
 *       {@code GET /health}, without authorization: 200 with each front door's state once all are serving,
 *       503 otherwise.
 *   <li><b>AMQPS</b> (port 5671, which the SDKs always dial) for the service SDK's {@code MessagingClient}
 *       (cloud-to-device intake) and {@code MessageFeedbackProcessorClient} (feedback), and for the device
 *       SDK over {@code IotHubClientProtocol.AMQPS} (C2D delivery with complete / abandon / reject, direct
 *       methods); SASL ANONYMOUS, then claims-based security: a put-token on {@code $cbs} grants a service
 *       policy's or one device's rights on that connection.
 *   <li><b>MQTT 3.1.1</b> over TLS (port 8883, which the device SDK always dials) for the device SDK over
 *       {@code IotHubClientProtocol.MQTT}: connect with SAS, C2D delivery, direct method requests and
 *       replies; a clean-session-0 device's subscriptions are kept across its connections, as the SDK's
 *       reconnect expects.
 * </ul>
 *
 * <p>All three listen on one address: 127.0.0.1 by default, or another loopback address (127.0.0.2, …) so
 * that several emulators run side by side on the SDKs' fixed ports; the certificate, the connection strings
 * and the tokens name that address. {@link io.github.iothubcommands.emulator.junit} holds a JUnit 5
 * extension that starts one per test class on a free loopback address.
 *
 * <p>Shared access signatures are verified for real (HMAC-SHA256, resource, expiry), and what a device token
 * authorized ends when the device's keys or registration change. Every front door bounds what a peer can
 * make it hold and how long it can idle before it has opened (sizes, timeouts: the "Limits and protections"
 * table of {@code docs/emulator.md}).
 *
 * <p>Logging: SLF4J, no binding shipped with this jar; the runnable {@code -all} jar carries Logback and logs
 * to the console at INFO ({@code --log-level} changes the root level). One INFO line at start names the
 * hub, the service and device hosts, each front door's port and the device count; no line at any level
 * holds a shared access key, SAS signature or connection string.
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
