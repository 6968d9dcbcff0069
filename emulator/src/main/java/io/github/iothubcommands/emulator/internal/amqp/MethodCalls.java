package io.github.iothubcommands.emulator.internal.amqp;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * Method calls sent to devices over AMQP, per device and not per connection: the correlation id on the wire
 * (a UUID, as the SDK wants it) to the engine's request id. A device that reconnects mid-call answers on its
 * new link, and the reply still reaches the caller. An entry leaves with the reply, or is dropped once its
 * response timeout has passed (the engine has answered the caller 504 by then). Shared by every connection
 * of the AMQPS server; thread-safe.
 */
final class MethodCalls {
  private record Call(String requestId, long deadlineNanos) {}

  private final ConcurrentMap<String, ConcurrentMap<UUID, Call>> byDevice = new ConcurrentHashMap<>();

  /**
   * Records a call sent to a device.
   *
   * @return the correlation id to send it with
   */
  UUID sent(String deviceId, String requestId, Duration responseTimeout) {
    long now = System.nanoTime();
    ConcurrentMap<UUID, Call> calls = byDevice.computeIfAbsent(deviceId, id -> new ConcurrentHashMap<>());
    calls.values().removeIf(c -> now - c.deadlineNanos() > 0);
    UUID correlationId = UUID.randomUUID();
    calls.put(correlationId, new Call(requestId, now + responseTimeout.toNanos()));
    return correlationId;
  }

  /**
   * Takes the call a device's reply answers.
   *
   * @return the engine's request id, or {@code null} if unknown, answered already or timed out
   */
  @Nullable String answered(String deviceId, UUID correlationId) {
    Map<UUID, Call> calls = byDevice.get(deviceId);
    Call c = calls == null ? null : calls.remove(correlationId);
    return c == null || System.nanoTime() - c.deadlineNanos() > 0 ? null : c.requestId();
  }
}
