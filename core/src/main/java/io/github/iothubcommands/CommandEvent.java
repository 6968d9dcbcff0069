package io.github.iothubcommands;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Something happened to a command. Listeners see every event of every command, in order per command.
 *
 * <p>Most events are {@linkplain Kind#STATUS_CHANGED status changes}: first {@link CommandStatus#QUEUED} (no
 * previous status), then the documented transitions (see {@link CommandStatus}), and last the terminal
 * status, whose event carries the {@linkplain #outcome() outcome}. Between them, a command with a {@link
 * RetryPolicy} or a {@link Fallback} may have {@link Kind#RETRY_SCHEDULED} and {@link Kind#FALLBACK_TAKEN}
 * events, which do not change its status: {@link #status()} and {@link #previous()} are then both the status
 * the command is in, and {@link #attemptOutcome()} says how the failed attempt ended. A listener that counts
 * transitions checks {@link #kind()}.
 *
 * <p>Immutable; the client builds them ({@link #builder()} is public for tests of listeners).
 */
public final class CommandEvent {
  /** What an event reports. */
  public enum Kind {
    /** The command's status changed, from {@link #previous()} to {@link #status()}. */
    STATUS_CHANGED,
    /**
     * An attempt failed with a transient error and another one will start after {@link #retryDelay()}: the
     * failed attempt was number {@link #attempt()}, and {@link #attemptOutcome()} is how it ended.
     */
    RETRY_SCHEDULED,
    /**
     * A {@link Fallback}'s direct method ended with the device offline (its outcome is {@link
     * #attemptOutcome()}), and the command is now sent as a cloud-to-device message.
     */
    FALLBACK_TAKEN
  }

  private final Kind kind;
  private final String commandId;
  private final String deviceId;
  private final @Nullable CommandStatus previous;
  private final CommandStatus status;
  private final Instant at;
  private final @Nullable CommandOutcome outcome;
  private final int attempt;
  private final @Nullable CommandOutcome attemptOutcome;
  private final @Nullable Duration retryDelay;

  private CommandEvent(Builder b, String commandId, String deviceId, CommandStatus status, Instant at) {
    this.kind = b.kind;
    this.commandId = commandId;
    this.deviceId = deviceId;
    this.previous = b.previous;
    this.status = status;
    this.at = at;
    this.outcome = b.outcome;
    this.attempt = b.attempt;
    this.attemptOutcome = b.attemptOutcome;
    this.retryDelay = b.retryDelay;
  }

  /**
   * Starts a builder; command id, device id, status and time are required, and an outcome exactly when the
   * status is terminal. The kind defaults to {@link Kind#STATUS_CHANGED}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns what this event reports.
   *
   * @return the kind; {@link Kind#STATUS_CHANGED} for a transition
   */
  public Kind kind() {
    return kind;
  }

  /**
   * Returns how many attempts had been made when the event happened: for {@link Kind#RETRY_SCHEDULED}, the
   * number of the attempt that failed (the next one is {@code attempt() + 1}).
   *
   * @return at least 0; 0 before the first attempt (the {@code QUEUED} event)
   */
  public int attempt() {
    return attempt;
  }

  /**
   * Returns how the failed attempt ended, for {@link Kind#RETRY_SCHEDULED} and {@link Kind#FALLBACK_TAKEN}.
   * It is not the command's outcome: the command goes on.
   *
   * @return the failed attempt's outcome, or empty for a status change
   */
  public Optional<CommandOutcome> attemptOutcome() {
    return Optional.ofNullable(attemptOutcome);
  }

  /**
   * Returns how long the client waits before the next attempt, for {@link Kind#RETRY_SCHEDULED}.
   *
   * @return the delay, or empty for other kinds
   */
  public Optional<Duration> retryDelay() {
    return Optional.ofNullable(retryDelay);
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
   * Returns the status before this transition; for an event that is not a status change, the status the
   * command is in.
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
    return o instanceof CommandEvent e && kind == e.kind && commandId.equals(e.commandId)
        && deviceId.equals(e.deviceId) && previous == e.previous && status == e.status && at.equals(e.at)
        && Objects.equals(outcome, e.outcome) && attempt == e.attempt
        && Objects.equals(attemptOutcome, e.attemptOutcome) && Objects.equals(retryDelay, e.retryDelay);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, commandId, deviceId, previous, status, at, outcome, attempt, attemptOutcome,
        retryDelay);
  }

  @Override
  public String toString() {
    String what = switch (kind) {
      case STATUS_CHANGED -> previous + " -> " + status;
      case RETRY_SCHEDULED -> "attempt " + attempt + " failed (" + (attemptOutcome == null ? "?"
          : attemptOutcome.status()) + "), retry in " + retryDelay + ", status " + status;
      case FALLBACK_TAKEN -> "fallback to cloud-to-device after " + (attemptOutcome == null ? "?"
          : attemptOutcome.status()) + ", status " + status;
    };
    return "CommandEvent{commandId=" + commandId + ", deviceId=" + deviceId + ", " + what + ", at=" + at + '}';
  }

  /** Builds a {@link CommandEvent}; {@link #build()} checks it. */
  public static final class Builder {
    private Kind kind = Kind.STATUS_CHANGED;
    private int attempt;
    private @Nullable CommandOutcome attemptOutcome;
    private @Nullable Duration retryDelay;
    private @Nullable String commandId;
    private @Nullable String deviceId;
    private @Nullable CommandStatus previous;
    private @Nullable CommandStatus status;
    private @Nullable Instant at;
    private @Nullable CommandOutcome outcome;

    private Builder() {}

    /**
     * Sets what the event reports. Default: {@link Kind#STATUS_CHANGED}.
     *
     * @param kind the kind
     * @return this builder
     */
    public Builder kind(Kind kind) {
      this.kind = Objects.requireNonNull(kind, "kind");
      return this;
    }

    /**
     * Sets how many attempts had been made. Default: 0.
     *
     * @param attempt at least 0
     * @return this builder
     * @throws IllegalArgumentException if {@code attempt} is negative
     */
    public Builder attempt(int attempt) {
      if (attempt < 0) {
        throw new IllegalArgumentException("attempt must be at least 0, but was " + attempt);
      }
      this.attempt = attempt;
      return this;
    }

    /**
     * Sets how the failed attempt ended (required for {@link Kind#RETRY_SCHEDULED} and {@link
     * Kind#FALLBACK_TAKEN}, absent otherwise).
     *
     * @param attemptOutcome the outcome, or {@code null}
     * @return this builder
     */
    public Builder attemptOutcome(@Nullable CommandOutcome attemptOutcome) {
      this.attemptOutcome = attemptOutcome;
      return this;
    }

    /**
     * Sets the delay before the next attempt (required for {@link Kind#RETRY_SCHEDULED}, absent otherwise).
     *
     * @param retryDelay the delay, or {@code null}
     * @return this builder
     */
    public Builder retryDelay(@Nullable Duration retryDelay) {
      this.retryDelay = retryDelay;
      return this;
    }

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
     * @throws IllegalStateException if a required value is not set, an outcome is present for a non-terminal
     *     status or absent for a terminal one, or the attempt outcome and retry delay do not match the kind
     *     (both for {@link Kind#RETRY_SCHEDULED}, only the attempt outcome for {@link Kind#FALLBACK_TAKEN}, and
     *     a non-terminal status for either; neither for {@link Kind#STATUS_CHANGED})
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
      boolean change = kind == Kind.STATUS_CHANGED;
      if (!change && s.isTerminal()) {
        throw new IllegalStateException("a " + kind + " event needs a non-terminal status, but status was " + s);
      }
      if (change == (attemptOutcome != null)) {
        throw new IllegalStateException("attemptOutcome must be present exactly for RETRY_SCHEDULED and "
            + "FALLBACK_TAKEN events, but kind was " + kind + " and attemptOutcome "
            + (attemptOutcome == null ? "absent" : "present"));
      }
      if ((kind == Kind.RETRY_SCHEDULED) != (retryDelay != null)) {
        throw new IllegalStateException("retryDelay must be present exactly for RETRY_SCHEDULED events, but kind "
            + "was " + kind + " and retryDelay " + (retryDelay == null ? "absent" : "present"));
      }
      return new CommandEvent(this, c, d, s, t);
    }
  }
}
