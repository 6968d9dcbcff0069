package io.github.iothubcommands.device;

/**
 * Runs one command on the device and says what to answer. Registered per command name with {@link
 * CommandDispatcherBuilder#handle(String, CommandHandler)}; the same handler serves the command whether it
 * came as a direct method or as a cloud-to-device message ({@link IncomingCommand#mechanism()} tells which).
 *
 * <p>Handlers run on the dispatcher's executor, never on the device SDK's thread, and may be called
 * concurrently for different commands. A handler that throws gets the dispatcher's failure reply ({@value
 * CommandReply#HANDLER_FAILED} for a method, abandon for a cloud-to-device message); the dispatcher goes on.
 * Returning {@code null} counts as {@link CommandReply#ok()}.
 */
@FunctionalInterface
public interface CommandHandler {

  /**
   * Runs the command.
   *
   * @param command the command as received
   * @return the reply; {@code null} means {@link CommandReply#ok()}
   * @throws Exception anything: the dispatcher answers with its failure reply and logs it at WARN
   */
  CommandReply handle(IncomingCommand command) throws Exception;
}
