package io.github.iothubcommands;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A command changed status. Listeners see every transition of every command, in order per command: first
 * {@link CommandStatus#QUEUED} (no previous status), then the documented transitions (see {@link
 * CommandStatus}), and last the terminal status, whose event carries the {@linkplain #outcome() outcome}.
 * Immutable; the client builds them ({@link #builder()} is public for tests of listeners).
 */
public final class CommandEvent {
  private final String commandId;
  private final String deviceId;
  private final @Nullable CommandStatus previous;
  private final CommandStatus status;
  private final Instant at;
  private final @Nullable CommandOutcome outcome;

  private CommandEvent(String commandId, String deviceId, @Nullable CommandStatus previous, CommandStatus status,
      Instant at, @Nullable CommandOutcome outcome) {
    this.commandId = commandId;
    this.deviceId = deviceId;
    this.previous = previous;
    this.status = status;
    this.at = at;
    this.outcome = outcome;
  }

  /**
   * Starts a builder; command id, device id, status and time are required, and an outcome exactly when the
   * status is terminal.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the command id.
   *
   * @return the command id
   */
  public String commandId() {
    return commandId;
  }

  /**
   * Returns the device the command is for.
   *
   * @return the device id
   */
  public String deviceId() {
    return deviceId;
  }

  /**
   * Returns the status before this transition.
   *
   * @return the previous status, or empty for the first event ({@link CommandStatus#QUEUED})
   */
  public Optional<CommandStatus> previous() {
    return Optional.ofNullable(previous);
  }

  /**
   * Returns the status now.
   *
   * @return the status
   */
  public CommandStatus status() {
    return status;
  }

  /**
   * Returns when the transition happened, on the client's time source.
   *
   * @return the time
   */
  public Instant at() {
    return at;
  }

  /**
   * Returns the outcome, present exactly when {@link #status()} is terminal.
   *
   * @return the outcome, or empty
   */
  public Optional<CommandOutcome> outcome() {
    return Optional.ofNullable(outcome);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof CommandEvent e && commandId.equals(e.commandId) && deviceId.equals(e.deviceId)
        && previous == e.previous && status == e.status && at.equals(e.at) && Objects.equals(outcome, e.outcome);
  }

  @Override
  public int hashCode() {
    return Objects.hash(commandId, deviceId, previous, status, at, outcome);
  }

  @Override
  public String toString() {
    return "CommandEvent{commandId=" + commandId + ", deviceId=" + deviceId + ", " + previous + " -> " + status
        + ", at=" + at + '}';
  }

  /** Builds a {@link CommandEvent}; {@link #build()} checks it. */
  public static final class Builder {
    private @Nullable String commandId;
    private @Nullable String deviceId;
    private @Nullable CommandStatus previous;
    private @Nullable CommandStatus status;
    private @Nullable Instant at;
    private @Nullable CommandOutcome outcome;

    private Builder() {}

    /**
     * Sets the command id (required).
     *
     * @param commandId the command id
     * @return this builder
     */
    public Builder commandId(String commandId) {
      this.commandId = Objects.requireNonNull(commandId, "commandId");
      return this;
    }

    /**
     * Sets the device id (required).
     *
     * @param deviceId the device id
     * @return this builder
     */
    public Builder deviceId(String deviceId) {
      this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
      return this;
    }

    /**
     * Sets the status before the transition.
     *
     * @param previous the previous status, or {@code null} for the first event
     * @return this builder
     */
    public Builder previous(@Nullable CommandStatus previous) {
      this.previous = previous;
      return this;
    }

    /**
     * Sets the status now (required).
     *
     * @param status the status
     * @return this builder
     */
    public Builder status(CommandStatus status) {
      this.status = Objects.requireNonNull(status, "status");
      return this;
    }

    /**
     * Sets when the transition happened (required).
     *
     * @param at the time
     * @return this builder
     */
    public Builder at(Instant at) {
      this.at = Objects.requireNonNull(at, "at");
      return this;
    }

    /**
     * Sets the outcome, for a terminal status.
     *
     * @param outcome the outcome, or {@code null}
     * @return this builder
     */
    public Builder outcome(@Nullable CommandOutcome outcome) {
      this.outcome = outcome;
      return this;
    }

    /**
     * Builds the event.
     *
     * @return the event
     * @throws IllegalStateException if a required value is not set, or an outcome is present for a
     *     non-terminal status or absent for a terminal one
     */
    public CommandEvent build() {
      String c = commandId;
      String d = deviceId;
      CommandStatus s = status;
      Instant t = at;
      if (c == null || d == null || s == null || t == null) {
        throw new IllegalStateException("commandId, deviceId, status and at must be set before build(), but "
            + (c == null ? "commandId" : d == null ? "deviceId" : s == null ? "status" : "at") + " was not");
      }
      if (s.isTerminal() != (outcome != null)) {
        throw new IllegalStateException("outcome must be present exactly for a terminal status, but status was "
            + s + " and outcome " + (outcome == null ? "absent" : "present"));
      }
      return new CommandEvent(c, d, previous, s, t, outcome);
    }
  }
}
