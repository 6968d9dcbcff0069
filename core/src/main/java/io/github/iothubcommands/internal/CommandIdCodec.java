package io.github.iothubcommands.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.iothubcommands.DirectMethod;
import org.jspecify.annotations.Nullable;

/** Reads and removes the command id a device finds in a direct method's payload; parses only if it may be there. */
public final class CommandIdCodec {
  private CommandIdCodec() {}

  public static @Nullable String read(@Nullable String json) {
    ObjectNode object = objectWithId(json);
    if (object == null) {
      return null;
    }
    JsonNode id = object.get(DirectMethod.COMMAND_ID_MEMBER);
    return id.isTextual() && !id.asText().isBlank() ? id.asText() : null;
  }

  public static String strip(String json) {
    ObjectNode object = objectWithId(json);
    if (object == null) {
      return json;
    }
    object.remove(DirectMethod.COMMAND_ID_MEMBER);
    return Json.write(object);
  }

  private static @Nullable ObjectNode objectWithId(@Nullable String json) {
    if (json == null || !json.contains("commandId\"")) { // the common case, a payload without it: no parse
      return null;
    }
    try {
      JsonNode node = Json.readTree(json);
      return node instanceof ObjectNode o && o.has(DirectMethod.COMMAND_ID_MEMBER) ? o : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
