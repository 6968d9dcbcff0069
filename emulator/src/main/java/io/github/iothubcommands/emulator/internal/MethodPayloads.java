package io.github.iothubcommands.emulator.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.nio.charset.StandardCharsets;

/**
 * JSON as the front doors exchange it with the engine, whose method payloads are JSON text holding one
 * value. One reader for all of them: it refuses text after the value instead of dropping it, so what passes
 * here is what goes out again. Thread-safe.
 */
public final class MethodPayloads {
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private MethodPayloads() {}

  /**
   * Turns the bytes a device sent as its method reply (MQTT publish, AMQP message body) into the JSON text
   * the engine holds: nothing or blanks become {@code null}, one well-formed JSON value stays as sent, any
   * other text becomes a JSON string holding it.
   *
   * @param reply the device's bytes, UTF-8
   * @return JSON text holding one value
   */
  public static String fromDevice(byte[] reply) {
    String text = new String(reply, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      return "null";
    }
    try {
      JSON.readTree(text);
      return text;
    } catch (JsonProcessingException e) {
      return JsonNodeFactory.instance.textNode(text).toString();
    }
  }

  /**
   * Parses JSON text holding at most one value.
   *
   * @param json the text
   * @return the value; a missing node for empty text
   * @throws IllegalArgumentException if the text is not one well-formed JSON value; the message gives the
   *     location only, never the text (it may hold keys)
   */
  public static JsonNode parse(String json) {
    try {
      JsonNode node = JSON.readTree(json);
      return node == null ? MissingNode.getInstance() : node;
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
      throw new IllegalArgumentException("body is not well-formed JSON" + where);
    }
  }
}
