package io.github.iothubcommands.device.internal;

/**
 * What the dedupe window remembers a command by. A real command id is one namespace whatever the mechanism:
 * a method and a C2D message with the same id are the same command ({@link #commandId(String)} for both), as
 * the two legs of a fallback are. A method that arrives without its command id is known by the SDK's request
 * id, in a namespace of its own so that it can never be taken for a C2D message.
 *
 * @param kind where the value comes from
 * @param value the id
 */
public record CommandKey(Kind kind, String value) {
  private static final CommandKey NONE = new CommandKey(Kind.NONE, "");

  /** Where a key's value comes from. */
  public enum Kind {
    /** The command's own id: a C2D message's command-id property or message id, a method's $commandId. */
    COMMAND_ID,
    /** The device SDK's request id of one direct method call. */
    METHOD_REQUEST_ID,
    /** No id: never a duplicate, never remembered. */
    NONE
  }

  /** The key of a command that carries its command id. */
  public static CommandKey commandId(String id) {
    return new CommandKey(Kind.COMMAND_ID, id);
  }

  /** The key of a direct method call known only by the SDK's request id. */
  public static CommandKey methodRequest(String requestId) {
    return new CommandKey(Kind.METHOD_REQUEST_ID, requestId);
  }

  /** The key of a command without id. */
  public static CommandKey none() {
    return NONE;
  }

  /** Whether the window remembers commands with this key. */
  public boolean dedupes() {
    return kind != Kind.NONE;
  }
}
