package io.github.iothubcommands;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The one terminal outcome of a command: its {@linkplain #status() status}, what the device or hub said,
 * when, which {@linkplain #mechanism() mechanism} carried it and after how many {@linkplain #attempts()
 * attempts}. Immutable.
 */
public final class CommandOutcome {
  private final String commandId;
  private final String deviceId;
  private final CommandStatus status;
  private final boolean inferred;
  private final @Nullable MethodResponse methodResponse;
  private final @Nullable HubError hubError;
  private final String detail;
  private final Instant completedAt;
  private final int attempts;
  private final @Nullable Mechanism mechanism;

  private CommandOutcome(Builder b, String commandId, String deviceId, CommandStatus status, Instant completedAt) {
    this.commandId = commandId;
    this.deviceId = deviceId;
    this.status = status;
    this.inferred = b.inferred;
    this.methodResponse = b.methodResponse;
    this.hubError = b.hubError;
    this.detail = b.detail;
    this.completedAt = completedAt;
    this.attempts = b.attempts;
    this.mechanism = b.mechanism;
  }

  /**
   * Starts a builder. The client creates outcomes; the builder is public so that tests, transports and
   * outcome stores can too. Command id, device id, a terminal status and the completion time are required.
   *
   * <pre>{@code
   * CommandOutcome outcome = CommandOutcome.builder()
   *     .commandId("reboot-1").deviceId("pump-2")
   *     .status(CommandStatus.DEVICE_OFFLINE).hubError(HubError.DEVICE_NOT_ONLINE)
   *     .detail("device pump-2 is not online").completedAt(now)
   *     .build();
   * }</pre>
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding this outcome's values.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    Builder b = new Builder().commandId(commandId).deviceId(deviceId).status(status).inferred(inferred)
        .detail(detail).completedAt(completedAt).attempts(attempts).mechanism(mechanism);
    b.methodResponse = methodResponse;
    b.hubError = hubError;
    return b;
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
   * Returns the device the command was for.
   *
   * @return the device id
   */
  public String deviceId() {
    return deviceId;
  }

  /**
   * Returns the terminal status.
   *
   * @return a status for which {@link CommandStatus#isTerminal()} holds
   */
  public CommandStatus status() {
    return status;
  }

  /**
   * Whether the status counts as success; see {@link CommandStatus#isSuccess()}.
   *
   * @return {@code true} for a successful outcome
   */
  public boolean isSuccess() {
    return status.isSuccess();
  }

  /**
   * Whether the status was inferred from feedback that did not arrive, rather than reported by the hub:
   * {@link CommandStatus#DELIVERED} under {@link Acknowledgement#NEGATIVE}, {@link
   * CommandStatus#NOT_DELIVERED} under {@link Acknowledgement#POSITIVE}.
   *
   * @return {@code true} for an inferred outcome
   */
  public boolean inferred() {
    return inferred;
  }

  /**
   * Returns the device's reply, for a direct method the device answered (whatever its status).
   *
   * @return the reply, or empty
   */
  public Optional<MethodResponse> methodResponse() {
    return Optional.ofNullable(methodResponse);
  }

  /**
   * Returns the hub's error, when the hub refused or failed the command.
   *
   * @return the hub error, or empty
   */
  public Optional<HubError> hubError() {
    return Optional.ofNullable(hubError);
  }

  /**
   * Returns a human-readable explanation: the feedback description, the hub's error message, or why the
   * status was inferred.
   *
   * @return the explanation
   */
  public String detail() {
    return detail;
  }

  /**
   * Returns when the outcome became known, on the client's time source.
   *
   * @return the completion time
   */
  public Instant completedAt() {
    return completedAt;
  }

  /**
   * Returns how many attempts the client made: calls to the hub, retries and a {@link Fallback}'s
   * cloud-to-device send included.
   *
   * @return at least 1 for a command that was sent; 0 if none was (closed or cancelled first, or an outcome
   *     built without it)
   */
  public int attempts() {
    return attempts;
  }

  /**
   * Returns the mechanism of the last attempt, the one this outcome came from: for a {@link Fallback}, {@link
   * Mechanism#CLOUD_TO_DEVICE} once it fell back.
   *
   * @return the mechanism, or empty if no attempt was made
   */
  public Optional<Mechanism> mechanism() {
    return Optional.ofNullable(mechanism);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof CommandOutcome)) {
      return false;
    }
    CommandOutcome c = (CommandOutcome) o;
    return commandId.equals(c.commandId) && deviceId.equals(c.deviceId) && status == c.status
        && inferred == c.inferred && Objects.equals(methodResponse, c.methodResponse)
        && hubError == c.hubError && detail.equals(c.detail) && completedAt.equals(c.completedAt)
        && attempts == c.attempts && mechanism == c.mechanism;
  }

  @Override
  public int hashCode() {
    return Objects.hash(commandId, deviceId, status, inferred, methodResponse, hubError, detail, completedAt,
        attempts, mechanism);
  }

  @Override
  public String toString() {
    return "CommandOutcome{" + status + (inferred ? " (inferred)" : "") + ", commandId=" + commandId
        + ", deviceId=" + deviceId
        + (methodResponse != null ? ", methodStatus=" + methodResponse.status() : "")
        + (hubError != null ? ", hubError=" + hubError + " (" + hubError.errorCode() + ")" : "")
        + (mechanism != null ? ", mechanism=" + mechanism : "") + (attempts > 1 ? ", attempts=" + attempts : "")
        + ", detail=" + detail + ", completedAt=" + completedAt + '}';
  }

  /** Builds a {@link CommandOutcome}; {@link #build()} checks that the required values are set. */
  public static final class Builder {
    private @Nullable String commandId;
    private @Nullable String deviceId;
    private @Nullable CommandStatus status;
    private boolean inferred;
    private @Nullable MethodResponse methodResponse;
    private @Nullable HubError hubError;
    private String detail = "";
    private @Nullable Instant completedAt;
    private int attempts;
    private @Nullable Mechanism mechanism;

    private Builder() {}

    /**
     * Sets how many attempts were made. Default: 0.
     *
     * @param attempts at least 0
     * @return this builder
     * @throws IllegalArgumentException if {@code attempts} is negative
     */
    public Builder attempts(int attempts) {
      if (attempts < 0) {
        throw new IllegalArgumentException("attempts must be at least 0, but was " + attempts);
      }
      this.attempts = attempts;
      return this;
    }

    /**
     * Sets the mechanism of the last attempt. Default: none.
     *
     * @param mechanism the mechanism, or {@code null} if no attempt was made
     * @return this builder
     */
    public Builder mechanism(@Nullable Mechanism mechanism) {
      this.mechanism = mechanism;
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
     * Sets the terminal status (required).
     *
     * @param status a status for which {@link CommandStatus#isTerminal()} holds
     * @return this builder
     * @throws IllegalArgumentException if {@code status} is not terminal
     */
    public Builder status(CommandStatus status) {
      if (!Objects.requireNonNull(status, "status").isTerminal()) {
        throw new IllegalArgumentException("status must be terminal, but was " + status);
      }
      this.status = status;
      return this;
    }

    /**
     * Marks the status as inferred from feedback that did not arrive. Default: {@code false}.
     *
     * @param inferred whether the status was inferred
     * @return this builder
     */
    public Builder inferred(boolean inferred) {
      this.inferred = inferred;
      return this;
    }

    /**
     * Sets the device's reply to a direct method.
     *
     * @param methodResponse the reply, or {@code null} for none
     * @return this builder
     */
    public Builder methodResponse(@Nullable MethodResponse methodResponse) {
      this.methodResponse = methodResponse;
      return this;
    }

    /**
     * Sets the hub's error.
     *
     * @param hubError the error, or {@code null} for none
     * @return this builder
     */
    public Builder hubError(@Nullable HubError hubError) {
      this.hubError = hubError;
      return this;
    }

    /**
     * Sets the human-readable explanation. Default: empty.
     *
     * @param detail an explanation free of secrets
     * @return this builder
     */
    public Builder detail(String detail) {
      this.detail = Objects.requireNonNull(detail, "detail");
      return this;
    }

    /**
     * Sets when the outcome became known (required).
     *
     * @param completedAt the completion time, on the client's time source
     * @return this builder
     */
    public Builder completedAt(Instant completedAt) {
      this.completedAt = Objects.requireNonNull(completedAt, "completedAt");
      return this;
    }

    /**
     * Builds the outcome.
     *
     * @return the outcome
     * @throws IllegalStateException if command id, device id, status or completion time is not set
     */
    public CommandOutcome build() {
      String c = commandId;
      String d = deviceId;
      CommandStatus s = status;
      Instant t = completedAt;
      if (c == null || d == null || s == null || t == null) {
        throw new IllegalStateException("commandId, deviceId, status and completedAt must be set before build(), "
            + "but " + (c == null ? "commandId" : d == null ? "deviceId" : s == null ? "status" : "completedAt")
            + " was not");
      }
      return new CommandOutcome(this, c, d, s, t);
    }
  }
}
