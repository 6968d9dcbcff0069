package io.github.iothubcommands;

import io.github.iothubcommands.internal.Validation;

/**
 * The rule for direct method names on the wire, the one the client checks before it calls a method: a
 * command name, or {@code component*name} for an IoT Plug and Play component ({@link Command#wireName()}).
 * A command name is 1 to {@value Command#MAX_NAME_LENGTH} printable ASCII characters without whitespace and
 * without any of {@value #FORBIDDEN}, the characters MQTT topics and components give a meaning; a component
 * name is a DTDL name (a letter, then letters, digits or {@code _}, not ending with {@code _}; at most
 * {@value #MAX_COMPONENT_LENGTH} characters). Public so that code around the library (an emulator, a
 * gateway) can refuse the same names with the same message.
 */
public final class MethodName {
  /** Characters a command name must not contain. */
  public static final String FORBIDDEN = Validation.NAME_FORBIDDEN;
  /** Longest component name (a DTDL name). */
  public static final int MAX_COMPONENT_LENGTH = Validation.MAX_COMPONENT_LENGTH;
  /** Longest wire name: a component name, {@code *} and a command name. */
  public static final int MAX_LENGTH = MAX_COMPONENT_LENGTH + 1 + Command.MAX_NAME_LENGTH;

  private MethodName() {}

  /**
   * Checks a method's wire name.
   *
   * @param methodName the name to check, {@code name} or {@code component*name}
   * @return the name, unchanged
   * @throws IllegalArgumentException naming the rule and the offending value or character, if the name is
   *     null or blank, a command name is longer than {@value Command#MAX_NAME_LENGTH} characters or holds
   *     whitespace, a character outside printable ASCII or one of {@value #FORBIDDEN}, or the part before a
   *     {@code *} is not a DTDL name
   */
  public static String requireValid(String methodName) {
    return Validation.methodWireName("methodName", methodName);
  }
}
