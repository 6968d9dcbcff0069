package io.github.iothubcommands;

/**
 * Receives every status transition of the commands a client sends. Called synchronously on the thread that
 * caused the transition: keep it quick and non-blocking. An exception it throws is logged and ignored.
 */
@FunctionalInterface
public interface CommandListener {

  /**
   * Called for each transition.
   *
   * @param event the transition
   */
  void onEvent(CommandEvent event);
}
