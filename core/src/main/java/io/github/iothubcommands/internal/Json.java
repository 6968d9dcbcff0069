package io.github.iothubcommands.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The library's one Jackson mapper and the JSON operations built on it. The mapper itself stays private: a
 * mapper is mutable (its configuration), so no other class, and no other module, may reach it.
 */
public final class Json {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final byte[] NULL_BYTES = "null".getBytes(StandardCharsets.US_ASCII);

  private Json() {}

  /** The JSON text {@code null} in UTF-8, a fresh array each call. */
  public static byte[] nullBytes() {
    return NULL_BYTES.clone();
  }

  public static JsonNode readTree(String json) throws JsonProcessingException {
    return MAPPER.readTree(json);
  }

  public static <T> T readValue(String json, Class<T> type) throws JsonProcessingException {
    return MAPPER.readValue(json, type);
  }

  public static byte[] toBytes(String field, @Nullable Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          field + " must be serializable to JSON by Jackson, but "
              + (value == null ? "null" : value.getClass().getName()) + " failed: " + e.getOriginalMessage(), e);
    }
  }

  /** Writes a tree as compact JSON text. */
  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) { // a tree always serializes
      throw new IllegalStateException("a JSON tree failed to serialize: " + e.getOriginalMessage(), e);
    }
  }

  /** Parses to check well-formedness, then returns the text's UTF-8 bytes unchanged. */
  public static byte[] checkedJsonBytes(String field, @Nullable String json) {
    parse(field, Validation.notNull(field, json));
    return json.getBytes(StandardCharsets.UTF_8);
  }

  public static JsonNode parse(String field, String json) {
    try {
      JsonNode node = MAPPER.readTree(json);
      if (node == null || node.isMissingNode()) {
        throw new IllegalArgumentException(field + " must be one JSON value, but was empty");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          field + " must be well-formed JSON, but parsing failed: " + e.getOriginalMessage(), e);
    }
  }
}
