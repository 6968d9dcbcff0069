package io.github.iothubcommands.emulator;

import java.nio.file.Path;

/**
 * A configuration file ({@link IotHubEmulator.Builder#config(Path)}, {@code --config}) that cannot be used: it
 * cannot be read, is not valid JSON or YAML, has an unknown key, or a value breaks its rule. The message names
 * the file, the key's path in it (such as {@code devices[2].primaryKey}), the rule and the value, except for a
 * shared access key, whose value it never shows.
 */
public final class EmulatorConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String file; // a String: Path is not serializable
  private final String path;

  private EmulatorConfigException(Path file, String path, String message) {
    super(message);
    this.file = file.toString();
    this.path = path;
  }

  /**
   * Creates the exception for a key whose value breaks a rule.
   *
   * @param file the configuration file
   * @param path the key's path, such as {@code limits.queueDepth} or {@code devices[0].id}; empty for the file
   *     as a whole
   * @param problem what is wrong, starting with the rule, such as {@code "must be positive, but was 0"}; it
   *     must not hold a key's value
   * @return the exception: {@code "FILE: PATH PROBLEM"}
   */
  public static EmulatorConfigException of(Path file, String path, String problem) {
    return new EmulatorConfigException(file, path, file + ": " + (path.isEmpty() ? "" : path + " ") + problem);
  }

  /**
   * Returns the configuration file.
   *
   * @return the file, as given
   */
  public Path file() {
    return Path.of(file);
  }

  /**
   * Returns the path of the key at fault, such as {@code devices[2].primaryKey}.
   *
   * @return the path, or empty when the file as a whole is at fault (cannot be read, not valid JSON or YAML)
   */
  public String path() {
    return path;
  }
}
