/**
 * The hub engine: IoT Hub's documented behaviour (per-device C2D queues, locks, expiry, delivery counts,
 * batched feedback with redelivery, direct methods with connect and response timeouts, the registry,
 * throttling per tier) on an injected
 * {@link io.github.iothubcommands.spi.TimeSource}, independent of any protocol.
 *
 * <p>It has two front doors: the in-memory {@code FakeHub} (module {@code iothub-commands-testkit}) and the
 * emulator's protocol servers. A front door calls the service side ({@link
 * io.github.iothubcommands.engine.HubEngine#enqueue}, {@link
 * io.github.iothubcommands.engine.HubEngine#invoke}, {@link
 * io.github.iothubcommands.engine.HubEngine#subscribeFeedback}) and connects devices ({@link
 * io.github.iothubcommands.engine.HubEngine#connect}) through a {@link
 * io.github.iothubcommands.engine.DeviceEndpoint} it implements.
 *
 * <p>Threading: the engine is thread-safe. Its state is guarded by one lock; it never calls out (device
 * endpoints, futures, feedback receivers, observers) while holding it, so callbacks may call back into the
 * engine. Feedback batches reach each receiver one at a time: the next only after the stage returned for
 * the previous one completed.
 */
@NullMarked
package io.github.iothubcommands.engine;

import org.jspecify.annotations.NullMarked;
