package io.github.iothubcommands.internal;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.DirectMethod;
import io.github.iothubcommands.RetryPolicy;

/**
 * The command id in a direct method's payload: the top-level member {@value DirectMethod#COMMAND_ID_MEMBER}
 * of a JSON object, inserted as text (no parse, no re-serialization: the caller's JSON is kept byte for byte
 * after the inserted member). A {@code null} or empty payload becomes an object holding only the id.
 */
final class CommandIds {
  /** What the payload's JSON text is, as far as the id is concerned. */
  enum Shape {
    /** {@code null}, or no bytes: becomes {@code {"$commandId":"…"}}. */
    NULL,
    /** {@code {}}: becomes {@code {"$commandId":"…"}}. */
    EMPTY_OBJECT,
    /** An object with members: the id is inserted as its first member. */
    OBJECT,
    /** An array or a scalar: cannot carry the id. */
    OTHER
  }

  private CommandIds() {}

  static Shape shape(String json) {
    int i = skipSpace(json, 0);
    if (i == json.length()) {
      return Shape.NULL;
    }
    char c = json.charAt(i);
    if (c == 'n') {
      return Shape.NULL; // a command's JSON payload is well-formed: 'n' starts null
    }
    if (c != '{') {
      return Shape.OTHER;
    }
    int j = skipSpace(json, i + 1);
    return j < json.length() && json.charAt(j) == '}' ? Shape.EMPTY_OBJECT : Shape.OBJECT;
  }

  /**
   * Checks that the command can carry its id under this strategy, and returns the size of the payload the
   * hub will receive.
   *
   * @throws IllegalArgumentException if the payload already has a top-level {@value
   *     DirectMethod#COMMAND_ID_MEMBER}, or is an array or scalar while the strategy retries
   */
  static int checkedPayloadSize(Command command, DirectMethod strategy) {
    if (!strategy.sendCommandId()) {
      return command.payloadSize();
    }
    String json = command.payloadAsString();
    Shape shape = shape(json);
    if (shape == Shape.OTHER) {
      RetryPolicy retry = strategy.retryPolicy();
      if (retry.retries()) {
        throw new IllegalArgumentException("payload of command " + command.id() + " must be a JSON object (or null) "
            + "to carry the command id (" + DirectMethod.COMMAND_ID_MEMBER + ") that lets the device run a retried "
            + "call once, but was a JSON array or scalar; wrap it in an object, or choose sendCommandId(false) to "
            + "accept that a retried call may run twice (retry policy: " + retry.maxAttempts() + " attempts)");
      }
      return command.payloadSize();
    }
    if (shape == Shape.OBJECT && json.contains("commandId\"") && hasIdMember(json)) {
      throw new IllegalArgumentException("payload of command " + command.id() + " must not have a top-level member "
          + DirectMethod.COMMAND_ID_MEMBER + " (the client adds it, holding the command id), but it had one; remove "
          + "it, or choose sendCommandId(false)");
    }
    int member = member(command.id()).length();
    return switch (shape) {
      case NULL, EMPTY_OBJECT -> member + 2;
      case OBJECT -> command.payloadSize() + member + 1;
      case OTHER -> command.payloadSize();
    };
  }

  /** The payload the hub receives: with the id when the strategy sends it and the payload can carry it. */
  static String methodPayload(Command command, DirectMethod strategy) {
    String json = command.payloadAsString();
    if (!strategy.sendCommandId()) {
      return json;
    }
    return switch (shape(json)) {
      case NULL, EMPTY_OBJECT -> "{" + member(command.id()) + "}";
      case OBJECT -> {
        int brace = json.indexOf('{');
        yield json.substring(0, brace + 1) + member(command.id()) + "," + json.substring(brace + 1);
      }
      case OTHER -> json;
    };
  }

  private static boolean hasIdMember(String json) {
    return Json.parse("payload", json).has(DirectMethod.COMMAND_ID_MEMBER);
  }

  /** {@code "$commandId":"<id>"}; an id is printable ASCII, so only quote and backslash need escaping. */
  private static String member(String id) {
    StringBuilder sb = new StringBuilder(id.length() + 16).append('"').append(DirectMethod.COMMAND_ID_MEMBER)
        .append("\":\"");
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.append('"').toString();
  }

  private static int skipSpace(String s, int from) {
    int i = from;
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\n'
        || s.charAt(i) == '\r')) {
      i++;
    }
    return i;
  }
}
