package io.github.iothubcommands;

/**
 * Receives every event of the commands a client sends: each status transition, and each retry scheduled or
 * fallback taken in between ({@link CommandEvent#kind()}). Called synchronously on the thread that caused
 * the event: keep it quick and non-blocking. An exception it throws is logged and ignored.
 */
@FunctionalInterface
public interface CommandListener {

  /**
   * Called for each event.
   *
   * @param event the transition
   */
  void onEvent(CommandEvent event);
}
