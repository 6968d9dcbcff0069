package io.github.iothubcommands.device.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jspecify.annotations.Nullable;

/** This module's Jackson mapper, kept private (a mapper's configuration is mutable). */
public final class DeviceJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private DeviceJson() {}

  /** Serializes {@code value}; {@code field} names it in the {@link IllegalArgumentException} if that fails. */
  public static String write(String field, @Nullable Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      String type = value == null ? "null" : value.getClass().getName();
      throw new IllegalArgumentException(field + " must be serializable to JSON by Jackson, but " + type
          + " failed: " + e.getOriginalMessage(), e);
    }
  }

  /** The tree of one well-formed JSON value, or {@code null} if the text is not that. */
  public static @Nullable JsonNode treeOrNull(String json) {
    try {
      JsonNode node = MAPPER.readTree(json);
      return node == null || node.isMissingNode() ? null : node;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** The text, checked to be one well-formed JSON value. */
  public static String checked(String field, @Nullable String json) {
    if (json == null) {
      throw new IllegalArgumentException(field + " must not be null");
    }
    if (treeOrNull(json) == null) {
      throw new IllegalArgumentException(field + " must be one well-formed JSON value, but was not ("
          + json.length() + " characters)");
    }
    return json;
  }

  /** Binds JSON text to {@code type}. */
  public static <T> T bind(String json, Class<T> type) throws JsonProcessingException {
    return MAPPER.readValue(json, type);
  }
}
