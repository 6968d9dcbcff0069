package io.github.iothubcommands;

import io.github.iothubcommands.internal.Validation;
import java.time.Duration;
import java.util.Objects;
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

  private static final DirectMethod DEFAULTS = custom().build();

  private final Duration connectTimeout;
  private final Duration responseTimeout;

  private DirectMethod(Builder b) {
    this.connectTimeout = b.connectTimeout;
    this.responseTimeout = b.responseTimeout;
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
    return new Builder().connectTimeout(connectTimeout).responseTimeout(responseTimeout);
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

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof DirectMethod
        && ((DirectMethod) o).connectTimeout.equals(connectTimeout)
        && ((DirectMethod) o).responseTimeout.equals(responseTimeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(connectTimeout, responseTimeout);
  }

  @Override
  public String toString() {
    return "DirectMethod{connectTimeout=" + Validation.seconds(connectTimeout)
        + ", responseTimeout=" + Validation.seconds(responseTimeout) + '}';
  }

  @Override
  public <R> R accept(Visitor<R> visitor) {
    return visitor.visitDirectMethod(this);
  }

  /** Builds a {@link DirectMethod}; each setter validates at once. */
  public static final class Builder {
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration responseTimeout = DEFAULT_RESPONSE_TIMEOUT;

    private Builder() {}

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
