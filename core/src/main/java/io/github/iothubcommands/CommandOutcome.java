package io.github.iothubcommands;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The one terminal outcome of a command: its {@linkplain #status() status}, what the device or hub said,
 * and when. Immutable.
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

  private CommandOutcome(
      String commandId,
      String deviceId,
      CommandStatus status,
      boolean inferred,
      @Nullable MethodResponse methodResponse,
      @Nullable HubError hubError,
      String detail,
      Instant completedAt) {
    if (!status.isTerminal()) {
      throw new IllegalArgumentException("status must be terminal, but was " + status);
    }
    this.commandId = Objects.requireNonNull(commandId, "commandId");
    this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
    this.status = status;
    this.inferred = inferred;
    this.methodResponse = methodResponse;
    this.hubError = hubError;
    this.detail = Objects.requireNonNull(detail, "detail");
    this.completedAt = Objects.requireNonNull(completedAt, "completedAt");
  }

  /**
   * Creates an outcome. The client creates outcomes; this factory is public so that tests and transports
   * can too.
   *
   * @param commandId the command id
   * @param deviceId the device id
   * @param status a terminal status
   * @param inferred whether the status was inferred from absent feedback
   * @param methodResponse the device's reply to a direct method, or {@code null}
   * @param hubError the hub's error, or {@code null}
   * @param detail a human-readable explanation, free of secrets
   * @param completedAt when the outcome became known
   * @return the outcome
   * @throws IllegalArgumentException if {@code status} is not terminal
   */
  public static CommandOutcome of(
      String commandId,
      String deviceId,
      CommandStatus status,
      boolean inferred,
      @Nullable MethodResponse methodResponse,
      @Nullable HubError hubError,
      String detail,
      Instant completedAt) {
    return new CommandOutcome(commandId, deviceId, status, inferred, methodResponse, hubError, detail, completedAt);
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

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof CommandOutcome)) {
      return false;
    }
    CommandOutcome c = (CommandOutcome) o;
    return commandId.equals(c.commandId) && deviceId.equals(c.deviceId) && status == c.status
        && inferred == c.inferred && Objects.equals(methodResponse, c.methodResponse)
        && hubError == c.hubError && detail.equals(c.detail) && completedAt.equals(c.completedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(commandId, deviceId, status, inferred, methodResponse, hubError, detail, completedAt);
  }

  @Override
  public String toString() {
    return "CommandOutcome{" + status + (inferred ? " (inferred)" : "") + ", commandId=" + commandId
        + ", deviceId=" + deviceId
        + (methodResponse != null ? ", methodStatus=" + methodResponse.status() : "")
        + (hubError != null ? ", hubError=" + hubError + " (" + hubError.errorCode() + ")" : "")
        + ", detail=" + detail + ", completedAt=" + completedAt + '}';
  }
}
