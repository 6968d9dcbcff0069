package io.github.iothubcommands.engine;

import io.github.iothubcommands.DirectMethod;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A direct method call handed to a connected device, answered with {@link DeviceSession#respond}.
 *
 * @param requestId identifies the call; the reply must carry it
 * @param methodName the wire name ({@code component*name} for a Plug and Play component)
 * @param payloadJson the request payload, JSON text
 * @param responseTimeout how long the hub waits for the reply
 * @see #commandId()
 */
public record MethodRequest(String requestId, String methodName, String payloadJson, Duration responseTimeout) {
  /** Checks for nulls. */
  public MethodRequest {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(methodName, "methodName");
    Objects.requireNonNull(payloadJson, "payloadJson");
    Objects.requireNonNull(responseTimeout, "responseTimeout");
  }

  /**
   * Returns the command id the call carries in its payload ({@link DirectMethod#COMMAND_ID_MEMBER}), which is
   * the same for every retry of one command; {@link #requestId()} differs per call.
   *
   * @return the command id, or empty if the payload carries none
   */
  public Optional<String> commandId() {
    return DirectMethod.commandIdOf(payloadJson);
  }
}
