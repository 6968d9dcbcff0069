package io.github.iothubcommands;

import io.github.iothubcommands.internal.Validation;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A command's name as it travels: {@code name} for the default component, {@code component*name} for an IoT
 * Plug and Play component. The service side writes it ({@link Command#wireName()}: the direct method's name,
 * or the {@value Command#NAME_PROPERTY} property of a cloud-to-device message); the device side reads it
 * back with {@link #parse(String)}. One rule for both ends:
 *
 * <ul>
 *   <li>at most one {@value #SEPARATOR}; what precedes it is the component, what follows it the name;
 *   <li>the component is a DTDL name: a letter, then letters, digits or underscores, not ending with an
 *       underscore, at most 64 characters (as {@link Command.Builder#component(String)} checks);
 *   <li>the name is 1 to 128 printable ASCII characters, none of {@code / ? # + * $} or whitespace (as
 *       {@link Command#named(String)} checks).
 * </ul>
 *
 * <pre>{@code
 * WireName w = WireName.parse("thermostat1*getMaxMinReport");
 * w.component();  // Optional[thermostat1]
 * w.name();       // getMaxMinReport
 * }</pre>
 *
 * <p>Immutable; equal when component and name are equal.
 */
public final class WireName {
  /** Separates the component from the name on the wire. */
  public static final char SEPARATOR = '*';

  private final @Nullable String component;
  private final String name;

  private WireName(@Nullable String component, String name) {
    this.component = component;
    this.name = name;
  }

  /**
   * Reads a wire name: {@code name} or {@code component*name}.
   *
   * @param wireName the name as it travelled
   * @return its component (if any) and name
   * @throws IllegalArgumentException if {@code wireName} is null, or the component or the name breaks the rules
   *     above (the message names the part: {@code "wireName component must be a DTDL name …"})
   */
  public static WireName parse(String wireName) {
    Validation.notNull("wireName", wireName);
    int at = wireName.indexOf(SEPARATOR);
    if (at < 0) {
      return new WireName(null, Validation.commandName("wireName", wireName));
    }
    String component = Validation.componentName("wireName component", wireName.substring(0, at));
    // A second separator stays in the name, whose rule refuses '*'.
    String name = Validation.commandName("wireName name", wireName.substring(at + 1));
    return new WireName(component, name);
  }

  /**
   * Makes a wire name from its parts, checked by the same rules as {@link #parse(String)}.
   *
   * @param component the component, or {@code null} for the default component
   * @param name the command name
   * @return the wire name
   * @throws IllegalArgumentException if the component or the name breaks the rules above
   */
  public static WireName of(@Nullable String component, String name) {
    return new WireName(component == null ? null : Validation.componentName("component", component),
        Validation.commandName("name", name));
  }

  /**
   * Returns the wire name of a command: its component and name.
   *
   * @param command the command
   * @return the wire name; {@code toString()} equals {@link Command#wireName()}
   */
  public static WireName of(Command command) {
    Validation.notNull("command", command);
    return new WireName(command.component().orElse(null), command.name());
  }

  /**
   * Returns the IoT Plug and Play component.
   *
   * @return the component, or empty for the default component
   */
  public Optional<String> component() {
    return Optional.ofNullable(component);
  }

  /**
   * Returns the command name, without component.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return this == o
        || (o instanceof WireName w && Objects.equals(component, w.component) && name.equals(w.name));
  }

  @Override
  public int hashCode() {
    return Objects.hash(component, name);
  }

  /** The wire form: {@code component*name}, or {@code name} for the default component. */
  @Override
  public String toString() {
    return component == null ? name : component + SEPARATOR + name;
  }
}
