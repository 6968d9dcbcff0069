package io.github.iothubcommands;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * A hub refused or failed a request. Transports complete their futures exceptionally with this type; the
 * command client turns it into a {@link CommandOutcome}.
 *
 * <p>Built by {@link #of(HubError, String)} or, with context, by {@link #builder(HubError)}:
 *
 * <pre>{@code
 * throw HubException.builder(HubError.DEVICE_NOT_ONLINE)
 *     .deviceId("pump-2").commandId("reboot-17").errorCode(404103)
 *     .detail("device pump-2 is not online")
 *     .build();
 * }</pre>
 *
 * <p>The context (device id, command id, attempt, the hub's own error code) is available as getters; the
 * message is {@code ERROR (code): detail}. Neither ever contains a shared access key or signature: callers
 * pass details free of secrets.
 */
public final class HubException extends RuntimeException {
  private static final long serialVersionUID = 2L;

  private final HubError error;
  private final int errorCode;
  private final String detail;
  private final @Nullable String deviceId;
  private final @Nullable String commandId;
  private final int attempt;

  private HubException(Builder b) {
    super(b.error + " (" + (b.errorCode != 0 ? b.errorCode : b.error.errorCode()) + "): " + b.detail, b.cause);
    this.error = b.error;
    this.errorCode = b.errorCode != 0 ? b.errorCode : b.error.errorCode();
    this.detail = b.detail;
    this.deviceId = b.deviceId;
    this.commandId = b.commandId;
    this.attempt = b.attempt;
  }

  /**
   * Creates an exception for a hub error, without context.
   *
   * @param error what the hub reported
   * @param detail a description (device id, message id), free of secrets
   * @return the exception
   */
  public static HubException of(HubError error, String detail) {
    return builder(error).detail(detail).build();
  }

  /**
   * Creates an exception for a hub error, with the protocol-level failure that revealed it.
   *
   * @param error what the hub reported
   * @param detail a description (device id, message id), free of secrets
   * @param cause the protocol-level failure
   * @return the exception
   */
  public static HubException of(HubError error, String detail, Throwable cause) {
    return builder(error).detail(detail).cause(cause).build();
  }

  /**
   * Starts a builder for an exception with context.
   *
   * @param error what the hub reported
   * @return a builder
   */
  public static Builder builder(HubError error) {
    return new Builder(Objects.requireNonNull(error, "error"));
  }

  /**
   * Returns a builder holding this exception's error, detail, context and cause, to add context that a
   * later layer knows (the client adds the command id and attempt).
   *
   * @return a builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(error).detail(detail).errorCode(errorCode);
    b.deviceId = deviceId;
    b.commandId = commandId;
    b.attempt = attempt;
    b.cause = getCause();
    return b;
  }

  /**
   * Returns what the hub reported.
   *
   * @return the hub error
   */
  public HubError error() {
    return error;
  }

  /**
   * Returns the hub's own error code: the six-digit code from the hub's answer when the transport read one
   * (such as 429002, which is {@link HubError#THROTTLED} too), else {@link HubError#errorCode()}.
   *
   * @return the IoT Hub error code, or {@code 0} when unknown
   */
  public int errorCode() {
    return errorCode;
  }

  /**
   * Returns the HTTP status of the error.
   *
   * @return {@link HubError#httpStatus()} of {@link #error()}
   */
  public int httpStatus() {
    return error.httpStatus();
  }

  /**
   * Returns the description, without the error prefix of {@link #getMessage()}.
   *
   * @return the detail
   */
  public String detail() {
    return detail;
  }

  /**
   * Returns the device the request was for, when known.
   *
   * @return the device id, or empty
   */
  public Optional<String> deviceId() {
    return Optional.ofNullable(deviceId);
  }

  /**
   * Returns the command (message) the request carried, when known.
   *
   * @return the command id, or empty
   */
  public Optional<String> commandId() {
    return Optional.ofNullable(commandId);
  }

  /**
   * Returns which attempt of the command met this error (1 for the first), when known.
   *
   * @return the attempt number, or empty
   */
  public OptionalInt attempt() {
    return attempt > 0 ? OptionalInt.of(attempt) : OptionalInt.empty();
  }

  /** Builds a {@link HubException}. */
  public static final class Builder {
    private final HubError error;
    private int errorCode;
    private String detail = "";
    private @Nullable String deviceId;
    private @Nullable String commandId;
    private int attempt;
    private @Nullable Throwable cause;

    private Builder(HubError error) {
      this.error = error;
    }

    /**
     * Sets the hub's own error code, when it is more precise than the {@link HubError}'s (429002).
     *
     * @param errorCode a six-digit IoT Hub error code, or {@code 0} for the error's own
     * @return this builder
     * @throws IllegalArgumentException if {@code errorCode} is negative
     */
    public Builder errorCode(int errorCode) {
      if (errorCode < 0) {
        throw new IllegalArgumentException("errorCode must not be negative, but was " + errorCode);
      }
      this.errorCode = errorCode;
      return this;
    }

    /**
     * Sets the description.
     *
     * @param detail a description free of secrets
     * @return this builder
     */
    public Builder detail(String detail) {
      this.detail = Objects.requireNonNull(detail, "detail");
      return this;
    }

    /**
     * Sets the device the request was for.
     *
     * @param deviceId the device id
     * @return this builder
     */
    public Builder deviceId(String deviceId) {
      this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
      return this;
    }

    /**
     * Sets the command (message id) the request carried.
     *
     * @param commandId the command id
     * @return this builder
     */
    public Builder commandId(String commandId) {
      this.commandId = Objects.requireNonNull(commandId, "commandId");
      return this;
    }

    /**
     * Sets which attempt met the error.
     *
     * @param attempt 1 for the first attempt
     * @return this builder
     * @throws IllegalArgumentException if {@code attempt} is below 1
     */
    public Builder attempt(int attempt) {
      if (attempt < 1) {
        throw new IllegalArgumentException("attempt must be at least 1, but was " + attempt);
      }
      this.attempt = attempt;
      return this;
    }

    /**
     * Sets the protocol-level failure that revealed the error.
     *
     * @param cause the cause
     * @return this builder
     */
    public Builder cause(Throwable cause) {
      this.cause = Objects.requireNonNull(cause, "cause");
      return this;
    }

    /**
     * Builds the exception.
     *
     * @return the exception
     */
    public HubException build() {
      return new HubException(this);
    }
  }
}
