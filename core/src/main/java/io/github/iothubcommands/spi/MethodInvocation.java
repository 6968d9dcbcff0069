package io.github.iothubcommands.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * A direct method call as the transport sends it.
 *
 * @param deviceId the target device
 * @param methodName the wire name ({@code component*name} for a Plug and Play component)
 * @param payloadJson the request payload, JSON text ({@code null} when there is none)
 * @param connectTimeout how long the hub waits for the device to connect (0–300 s)
 * @param responseTimeout how long the hub waits for the reply (5–300 s)
 */
public record MethodInvocation(
    String deviceId, String methodName, String payloadJson, Duration connectTimeout, Duration responseTimeout) {

  /** Checks for nulls. */
  public MethodInvocation {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(methodName, "methodName");
    Objects.requireNonNull(payloadJson, "payloadJson");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(responseTimeout, "responseTimeout");
  }

  /** Payload size only: the payload may be sensitive. */
  @Override
  public String toString() {
    return "MethodInvocation{deviceId=" + deviceId + ", methodName=" + methodName + ", payloadChars="
        + payloadJson.length() + ", connectTimeout=" + connectTimeout + ", responseTimeout=" + responseTimeout + '}';
  }
}
