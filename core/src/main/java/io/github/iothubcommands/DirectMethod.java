package io.github.iothubcommands;

import io.github.iothubcommands.internal.CommandIdCodec;
import io.github.iothubcommands.internal.Validation;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Deliver a command as a direct method: the hub calls the device and returns its reply. No queue: a device
 * that is offline past the connect timeout fails the call ({@link CommandStatus#DEVICE_OFFLINE}), and one
 * that does not answer within the response timeout fails it too ({@link CommandStatus#TIMED_OUT}).
 *
 * <pre>{@code
 * DirectMethod call = DirectMethod.custom()
 *     .connectTimeout(Duration.ofSeconds(30))   // wait up to 30 s for the device to connect
 *     .responseTimeout(Duration.ofSeconds(10))
 *     .build();
 * }</pre>
 *
 * <p>The payload must be JSON and at most {@value #MAX_PAYLOAD_BYTES} bytes; a method carries no
 * properties.
 *
 * <p><b>Retries.</b> With a {@link RetryPolicy} ({@link Builder#retry(RetryPolicy)}; default {@link
 * RetryPolicy#none()}) a call that failed with a transient error (device offline, throttled, 5xx, 504) is made
 * again, with the same command id, until it succeeds or the policy stops.
 *
 * <p><b>The command id on the wire.</b> Methods carry no properties, so unless {@link
 * Builder#sendCommandId(boolean) sendCommandId(false)}, the client adds the command id to the payload as the
 * top-level member {@value #COMMAND_ID_MEMBER} of a JSON object (a {@code null} payload becomes {@code
 * {"$commandId":"…"}}), so that the device can run a retried call once; the {@code device} module's
 * dispatcher reads it and removes it before the handler sees the payload. A payload that is an array or a
 * scalar cannot carry it: such a command is sent unchanged without retries, and refused with a retry policy
 * unless {@code sendCommandId(false)} says that running it twice is acceptable. See {@code
 * docs/retries-and-idempotency.md}.
 */
public final class DirectMethod implements DeliveryStrategy {
  /** Default connect timeout: 0 s, fail at once if the device is offline. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ZERO;
  /** Default response timeout: 30 s. */
  public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(30);
  /** Maximum connect timeout the hub accepts: 300 s. */
  public static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(300);
  /** Minimum response timeout the hub accepts: 5 s. */
  public static final Duration MIN_RESPONSE_TIMEOUT = Duration.ofSeconds(5);
  /** Maximum response timeout the hub accepts: 300 s. */
  public static final Duration MAX_RESPONSE_TIMEOUT = Duration.ofSeconds(300);
  /** Maximum request (and response) payload the hub accepts: 128 KB. */
  public static final int MAX_PAYLOAD_BYTES = 128 * 1024;
  /**
   * The top-level payload member that carries the command id to the device: {@code $}-prefixed like IoT
   * Hub's own metadata ({@code $version}, {@code $metadata}), so it cannot clash with a DTDL property name.
   */
  public static final String COMMAND_ID_MEMBER = "$commandId";
  /** Default of {@link Builder#sendCommandId(boolean)}: {@code true}, the command id travels in the payload. */
  public static final boolean DEFAULT_SEND_COMMAND_ID = true;

  private static final DirectMethod DEFAULTS = custom().build();

  private final Duration connectTimeout;
  private final Duration responseTimeout;
  private final RetryPolicy retryPolicy;
  private final boolean sendCommandId;

  private DirectMethod(Builder b) {
    this.connectTimeout = b.connectTimeout;
    this.responseTimeout = b.responseTimeout;
    this.retryPolicy = b.retryPolicy;
    this.sendCommandId = b.sendCommandId;
  }

  /**
   * Reads the command id a direct method's payload carries: the text of its top-level {@value
   * #COMMAND_ID_MEMBER} member. For device code and test devices; the {@code device} module's dispatcher uses
   * it.
   *
   * @param payloadJson the payload as the device received it (JSON text), or {@code null}
   * @return the command id, or empty if the payload is not a JSON object with a textual, non-blank {@value
   *     #COMMAND_ID_MEMBER}, or not well-formed JSON
   */
  public static Optional<String> commandIdOf(@Nullable String payloadJson) {
    return Optional.ofNullable(CommandIdCodec.read(payloadJson));
  }

  /**
   * Returns the payload as the caller sent it: without the top-level {@value #COMMAND_ID_MEMBER} member the
   * client added. A payload that held only the id (the caller sent {@code null} or {@code {}}) becomes
   * {@code {}}.
   *
   * @param payloadJson the payload as the device received it (JSON text)
   * @return the payload without the member, or {@code payloadJson} unchanged if it has none (or is not
   *     well-formed JSON)
   */
  public static String withoutCommandId(String payloadJson) {
    return CommandIdCodec.strip(Validation.notNull("payloadJson", payloadJson));
  }

  /**
   * Returns the strategy with every default.
   *
   * @return the default strategy
   */
  public static DirectMethod ofDefaults() {
    return DEFAULTS;
  }

  /**
   * Starts a builder holding the defaults.
   *
   * @return a builder
   */
  public static Builder custom() {
    return new Builder();
  }

  /**
   * Returns a builder holding this strategy's values.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    return new Builder().connectTimeout(connectTimeout).responseTimeout(responseTimeout).retry(retryPolicy)
        .sendCommandId(sendCommandId);
  }

  /**
   * Returns how long the hub waits for an offline device to connect before failing with 404103.
   *
   * @return the connect timeout
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * Returns how long the hub waits for the device's reply before failing with 504101.
   *
   * @return the response timeout
   */
  public Duration responseTimeout() {
    return responseTimeout;
  }

  /**
   * Returns when a failed call is made again.
   *
   * @return the retry policy; {@link RetryPolicy#none()} unless set
   */
  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /**
   * Whether the command id travels in the payload as {@value #COMMAND_ID_MEMBER}.
   *
   * @return {@code true} unless turned off for devices that refuse unknown payload members
   */
  public boolean sendCommandId() {
    return sendCommandId;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof DirectMethod m
        && m.connectTimeout.equals(connectTimeout)
        && m.responseTimeout.equals(responseTimeout)
        && m.retryPolicy.equals(retryPolicy)
        && m.sendCommandId == sendCommandId;
  }

  @Override
  public int hashCode() {
    return Objects.hash(connectTimeout, responseTimeout, retryPolicy, sendCommandId);
  }

  @Override
  public String toString() {
    return "DirectMethod{connectTimeout=" + Validation.seconds(connectTimeout)
        + ", responseTimeout=" + Validation.seconds(responseTimeout)
        + (retryPolicy.retries() ? ", retry=" + retryPolicy : "")
        + (sendCommandId ? "" : ", sendCommandId=false") + '}';
  }

  @Override
  public <R> R accept(Visitor<R> visitor) {
    return visitor.visitDirectMethod(this);
  }

  /** Builds a {@link DirectMethod}; each setter validates at once. */
  public static final class Builder {
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration responseTimeout = DEFAULT_RESPONSE_TIMEOUT;
    private RetryPolicy retryPolicy = RetryPolicy.none();
    private boolean sendCommandId = DEFAULT_SEND_COMMAND_ID;

    private Builder() {}

    /**
     * Sets when a failed call is made again. Each retry is a new call with the same command id, and each
     * waits up to the connect timeout again.
     *
     * @param retryPolicy the policy; {@link RetryPolicy#none()} (the default) for a single call
     * @return this builder
     * @throws IllegalArgumentException if {@code retryPolicy} is null
     */
    public Builder retry(RetryPolicy retryPolicy) {
      this.retryPolicy = Validation.notNull("retryPolicy", retryPolicy);
      return this;
    }

    /**
     * Sets whether the command id travels in the payload as the top-level member {@value
     * DirectMethod#COMMAND_ID_MEMBER}. Turn it off for devices that refuse a payload with a member they do not
     * know (a Jackson mapper with {@code FAIL_ON_UNKNOWN_PROPERTIES}, a strict schema); such a device cannot
     * tell a retried call from a new one.
     *
     * @param sendCommandId {@code false} to send the payload exactly as given
     * @return this builder
     */
    public Builder sendCommandId(boolean sendCommandId) {
      this.sendCommandId = sendCommandId;
      return this;
    }

    /**
     * Sets how long the hub waits for an offline device to connect.
     *
     * @param connectTimeout whole seconds between 0 s and 300 s
     * @return this builder
     * @throws IllegalArgumentException if the timeout is outside that range or not whole seconds
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = Validation.durationBetween(
          "connectTimeout", connectTimeout, Duration.ZERO, MAX_CONNECT_TIMEOUT, true);
      return this;
    }

    /**
     * Sets how long the hub waits for the device's reply.
     *
     * @param responseTimeout whole seconds between 5 s and 300 s
     * @return this builder
     * @throws IllegalArgumentException if the timeout is outside that range or not whole seconds
     */
    public Builder responseTimeout(Duration responseTimeout) {
      this.responseTimeout = Validation.durationBetween(
          "responseTimeout", responseTimeout, MIN_RESPONSE_TIMEOUT, MAX_RESPONSE_TIMEOUT, true);
      return this;
    }

    /**
     * Builds the strategy.
     *
     * @return an immutable strategy
     */
    public DirectMethod build() {
      return new DirectMethod(this);
    }
  }
}
