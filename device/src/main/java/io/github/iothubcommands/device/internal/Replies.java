package io.github.iothubcommands.device.internal;

import io.github.iothubcommands.WireName;
import io.github.iothubcommands.device.CommandReply;
import io.github.iothubcommands.device.CommandReply.Disposition;
import java.util.Map;

/** The dispatcher's own replies, documented in docs/device-side.md; none carries an exception's message. */
public final class Replies {
  private Replies() {}

  /** No handler for the name: 501, reject. */
  public static CommandReply unknownCommand(WireName name) {
    return unknownCommand(name.toString());
  }

  /** No handler for the name, or no valid name at all: 501, reject. */
  public static CommandReply unknownCommand(String name) {
    return CommandReply.of(CommandReply.UNKNOWN_COMMAND, Map.of("error", "unknown command", "command", name))
        .withDisposition(Disposition.REJECT);
  }

  /** The handler threw: 500, abandon. */
  public static CommandReply handlerFailed() {
    return error(CommandReply.HANDLER_FAILED, "handler failed");
  }

  /** The bound on pending handlers is reached, or the executor refused the task: 503, abandon. */
  public static CommandReply busy() {
    return error(CommandReply.BUSY, "dispatcher busy");
  }

  /** The dispatcher is closed: 503, abandon. */
  public static CommandReply closed() {
    return error(CommandReply.BUSY, "dispatcher closed");
  }

  /** The handler did not finish within the handler timeout: 504, abandon. */
  public static CommandReply timedOut() {
    return error(CommandReply.HANDLER_TIMED_OUT, "handler timed out");
  }

  private static CommandReply error(int status, String error) {
    return CommandReply.of(status, Map.of("error", error)).withDisposition(Disposition.ABANDON);
  }
}
