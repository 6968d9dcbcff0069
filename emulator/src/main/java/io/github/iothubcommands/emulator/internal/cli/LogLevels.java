package io.github.iothubcommands.emulator.internal.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets the root log level when logback is the SLF4J binding, as in the runnable jar. Logback is an optional
 * dependency: this class is touched only after {@link #logbackPresent()} says so.
 */
final class LogLevels {
  private LogLevels() {}

  /** Whether logback-classic is on the class path. */
  static boolean logbackPresent() {
    try {
      Class.forName("ch.qos.logback.classic.LoggerContext", false, LogLevels.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /**
   * Sets the root level.
   *
   * @param level one of ERROR, WARN, INFO, DEBUG, TRACE
   * @return whether it was set: {@code false} if SLF4J is bound to something other than logback
   */
  static boolean setRoot(String level) {
    if (!logbackPresent()) {
      return false;
    }
    return Logback.setRoot(level);
  }

  /** Holds the logback references, so that loading {@link LogLevels} does not need logback. */
  private static final class Logback {
    static boolean setRoot(String level) {
      ILoggerFactory factory = LoggerFactory.getILoggerFactory();
      if (!(factory instanceof LoggerContext context)) {
        return false;
      }
      context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level));
      return true;
    }
  }
}
