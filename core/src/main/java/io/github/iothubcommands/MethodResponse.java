package io.github.iothubcommands;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.iothubcommands.internal.Json;
import java.util.Objects;

/**
 * A device's reply to a direct method: the status it chose and its JSON payload.
 *
 * @param status the device's status code; 200–299 counts as success
 * @param payloadJson the reply payload, JSON text ({@code null} when the device sent none)
 */
public record MethodResponse(int status, String payloadJson) {

  /** Checks for null. */
  public MethodResponse {
    Objects.requireNonNull(payloadJson, "payloadJson");
  }

  /**
   * Whether the device reported success.
   *
   * @return {@code true} for a status from 200 to 299
   */
  public boolean isSuccess() {
    return status >= 200 && status <= 299;
  }

  /**
   * Returns the payload as a Jackson tree.
   *
   * @return the parsed payload
   * @throws IllegalStateException if the payload is not well-formed JSON
   */
  public JsonNode payload() {
    try {
      return Json.readTree(payloadJson);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("method response payload is not well-formed JSON", e);
    }
  }

  /**
   * Returns the payload bound to {@code type} with Jackson.
   *
   * @param type the target type
   * @param <T> the target type
   * @return the bound payload
   * @throws IllegalStateException if the payload does not bind to {@code type}
   */
  public <T> T payloadAs(Class<T> type) {
    try {
      return Json.readValue(payloadJson, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("method response payload does not bind to " + type.getName(), e);
    }
  }
}
