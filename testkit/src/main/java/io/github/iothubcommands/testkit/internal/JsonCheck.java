package io.github.iothubcommands.testkit.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Checks that scripted payloads are well-formed JSON, so a script error shows where it is written. */
public final class JsonCheck {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private JsonCheck() {}

  public static String wellFormed(String field, String json) {
    if (json == null) {
      throw new IllegalArgumentException(field + " must not be null");
    }
    try {
      if (MAPPER.readTree(json) == null) {
        throw new IllegalArgumentException(field + " must be one JSON value, but was empty");
      }
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(field + " must be well-formed JSON, but parsing failed: "
          + e.getOriginalMessage(), e);
    }
    return json;
  }
}
