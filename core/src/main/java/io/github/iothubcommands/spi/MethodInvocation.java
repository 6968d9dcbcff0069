package io.github.iothubcommands.spi;

import io.github.iothubcommands.DirectMethod;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A direct method call as the transport sends it. Immutable; built with {@link #builder()}:
 *
 * <pre>{@code
 * MethodInvocation call = MethodInvocation.builder()
 *     .deviceId("thermostat-7").methodName("setTarget").payloadJson("{\"celsius\":21}")
 *     .connectTimeout(Duration.ofSeconds(10)).responseTimeout(Duration.ofSeconds(30))
 *     .build();
 * }</pre>
 *
 * <p>The builder does not check the hub's ranges: a transport passes what it was given, and the hub (or the
 * engine) answers an out-of-range value with {@link io.github.iothubcommands.HubError#BAD_REQUEST}. The
 * command client validates before it builds one.
 */
public final class MethodInvocation {
  private final String deviceId;
  private final String methodName;
  private final String payloadJson;
  private final Duration connectTimeout;
  private final Duration responseTimeout;

  private MethodInvocation(Builder b, String deviceId, String methodName) {
    this.deviceId = deviceId;
    this.methodName = methodName;
    this.payloadJson = b.payloadJson;
    this.connectTimeout = b.connectTimeout;
    this.responseTimeout = b.responseTimeout;
  }

  /**
   * Starts a builder; device id and method name are required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the target device.
   *
   * @return the device id
   */
  public String deviceId() {
    return deviceId;
  }

  /**
   * Returns the wire name ({@code component*name} for a Plug and Play component).
   *
   * @return the method name
   */
  public String methodName() {
    return methodName;
  }

  /**
   * Returns the request payload, JSON text ({@code null} when there is none).
   *
   * @return the payload
   */
  public String payloadJson() {
    return payloadJson;
  }

  /**
   * Returns how long the hub waits for the device to connect.
   *
   * @return the connect timeout
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * Returns how long the hub waits for the reply.
   *
   * @return the response timeout
   */
  public Duration responseTimeout() {
    return responseTimeout;
  }

  /**
   * Returns a builder holding this call's values.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    return new Builder().deviceId(deviceId).methodName(methodName).payloadJson(payloadJson)
        .connectTimeout(connectTimeout).responseTimeout(responseTimeout);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof MethodInvocation m && deviceId.equals(m.deviceId) && methodName.equals(m.methodName)
        && payloadJson.equals(m.payloadJson) && connectTimeout.equals(m.connectTimeout)
        && responseTimeout.equals(m.responseTimeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(deviceId, methodName, payloadJson, connectTimeout, responseTimeout);
  }

  /** Payload size only: the payload may be sensitive. */
  @Override
  public String toString() {
    return "MethodInvocation{deviceId=" + deviceId + ", methodName=" + methodName + ", payloadChars="
        + payloadJson.length() + ", connectTimeout=" + connectTimeout + ", responseTimeout=" + responseTimeout + '}';
  }

  /** Builds a {@link MethodInvocation}; {@link #build()} checks that the required values are set. */
  public static final class Builder {
    private @Nullable String deviceId;
    private @Nullable String methodName;
    private String payloadJson = "null";
    private Duration connectTimeout = DirectMethod.DEFAULT_CONNECT_TIMEOUT;
    private Duration responseTimeout = DirectMethod.DEFAULT_RESPONSE_TIMEOUT;

    private Builder() {}

    /**
     * Sets the target device (required).
     *
     * @param deviceId the device id
     * @return this builder
     */
    public Builder deviceId(String deviceId) {
      this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
      return this;
    }

    /**
     * Sets the wire name of the method (required).
     *
     * @param methodName the method name
     * @return this builder
     */
    public Builder methodName(String methodName) {
      this.methodName = Objects.requireNonNull(methodName, "methodName");
      return this;
    }

    /**
     * Sets the request payload. Default: {@code null} (the JSON text).
     *
     * @param payloadJson JSON text
     * @return this builder
     */
    public Builder payloadJson(String payloadJson) {
      this.payloadJson = Objects.requireNonNull(payloadJson, "payloadJson");
      return this;
    }

    /**
     * Sets the connect timeout. Default: {@link DirectMethod#DEFAULT_CONNECT_TIMEOUT}.
     *
     * @param connectTimeout how long the hub waits for the device to connect
     * @return this builder
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
      return this;
    }

    /**
     * Sets the response timeout. Default: {@link DirectMethod#DEFAULT_RESPONSE_TIMEOUT}.
     *
     * @param responseTimeout how long the hub waits for the reply
     * @return this builder
     */
    public Builder responseTimeout(Duration responseTimeout) {
      this.responseTimeout = Objects.requireNonNull(responseTimeout, "responseTimeout");
      return this;
    }

    /**
     * Builds the call.
     *
     * @return the call
     * @throws IllegalStateException if device id or method name is not set
     */
    public MethodInvocation build() {
      String d = deviceId;
      String m = methodName;
      if (d == null || m == null) {
        throw new IllegalStateException("deviceId and methodName must be set before build(), but "
            + (d == null ? "deviceId" : "methodName") + " was not");
      }
      return new MethodInvocation(this, d, m);
    }
  }
}
