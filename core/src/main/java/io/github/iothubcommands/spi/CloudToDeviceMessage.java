package io.github.iothubcommands.spi;

import io.github.iothubcommands.Acknowledgement;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A cloud-to-device message as the transport sends it. Immutable; built with {@link #builder()}:
 *
 * <pre>{@code
 * CloudToDeviceMessage message = CloudToDeviceMessage.builder()
 *     .deviceId("lamp-1").messageId("on-1")
 *     .payload("{}".getBytes(UTF_8), "application/json")
 *     .acknowledgement(Acknowledgement.FULL)
 *     .expiryTime(now.plus(Duration.ofHours(1)))
 *     .build();
 * }</pre>
 */
public final class CloudToDeviceMessage {
  /** Content type of a message built without one. */
  public static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";
  /** Acknowledgement of a message built without one: IoT Hub's service SDK default. */
  public static final Acknowledgement DEFAULT_ACKNOWLEDGEMENT = Acknowledgement.FULL;
  private static final byte[] EMPTY = new byte[0];

  private final String deviceId;
  private final String messageId;
  private final byte[] payload;
  private final String contentType;
  private final Map<String, String> properties;
  private final Acknowledgement acknowledgement;
  private final Instant expiryTime;

  private CloudToDeviceMessage(Builder b, String deviceId, String messageId, Instant expiryTime) {
    this.deviceId = deviceId;
    this.messageId = messageId;
    this.payload = b.payload;
    this.contentType = b.contentType;
    this.properties = b.properties;
    this.acknowledgement = b.acknowledgement;
    this.expiryTime = expiryTime;
  }

  /**
   * Starts a builder; device id, message id and expiry time are required.
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
   * Returns the message id (the command id); feedback names it as {@code originalMessageId}.
   *
   * @return the message id
   */
  public String messageId() {
    return messageId;
  }

  /**
   * Returns a copy of the body.
   *
   * @return the body bytes
   */
  public byte[] payload() {
    return payload.clone();
  }

  /**
   * Returns the body's length.
   *
   * @return the body size in bytes
   */
  public int payloadSize() {
    return payload.length;
  }

  /**
   * Returns the body decoded as UTF-8.
   *
   * @return the body text
   */
  public String payloadAsString() {
    return new String(payload, StandardCharsets.UTF_8);
  }

  /**
   * Returns the body's media type.
   *
   * @return the content type
   */
  public String contentType() {
    return contentType;
  }

  /**
   * Returns the application properties, the command name included.
   *
   * @return an unmodifiable map
   */
  public Map<String, String> properties() {
    return properties;
  }

  /**
   * Returns the {@code iothub-ack} mode.
   *
   * @return the acknowledgement
   */
  public Acknowledgement acknowledgement() {
    return acknowledgement;
  }

  /**
   * Returns the absolute expiry time.
   *
   * @return the expiry time
   */
  public Instant expiryTime() {
    return expiryTime;
  }

  /**
   * Returns the size the hub counts against its 64 KB limit: body plus property keys and values in UTF-8.
   *
   * @return the size in bytes
   */
  public int size() {
    return sizeOf(payload.length, properties);
  }

  /**
   * Returns the size the hub counts against its 64 KB limit for a body of this size and these properties.
   *
   * @param payloadBytes the body's length
   * @param properties the application properties
   * @return body length plus the UTF-8 length of every property key and value
   */
  public static int sizeOf(int payloadBytes, Map<String, String> properties) {
    int size = payloadBytes;
    for (Map.Entry<String, String> e : properties.entrySet()) {
      size += utf8Length(e.getKey()) + utf8Length(e.getValue());
    }
    return size;
  }

  private static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /**
   * Returns a builder holding this message's values.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    Builder b = new Builder().deviceId(deviceId).messageId(messageId).expiryTime(expiryTime)
        .acknowledgement(acknowledgement);
    b.payload = payload;
    b.contentType = contentType;
    b.properties = properties;
    return b;
  }

  /** Ids, sizes and property names only: payload and property values may be sensitive. */
  @Override
  public String toString() {
    return "CloudToDeviceMessage{deviceId=" + deviceId + ", messageId=" + messageId + ", payloadBytes="
        + payload.length + ", properties=" + properties.keySet() + ", ack=" + acknowledgement
        + ", expiry=" + expiryTime + '}';
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof CloudToDeviceMessage m
        && deviceId.equals(m.deviceId) && messageId.equals(m.messageId)
        && Arrays.equals(payload, m.payload) && contentType.equals(m.contentType)
        && properties.equals(m.properties) && acknowledgement == m.acknowledgement
        && expiryTime.equals(m.expiryTime);
  }

  @Override
  public int hashCode() {
    return Objects.hash(deviceId, messageId, Arrays.hashCode(payload), contentType, properties, acknowledgement,
        expiryTime);
  }

  /** Builds a {@link CloudToDeviceMessage}; {@link #build()} checks that the required values are set. */
  public static final class Builder {
    private @Nullable String deviceId;
    private @Nullable String messageId;
    private byte[] payload = EMPTY;
    private String contentType = DEFAULT_CONTENT_TYPE;
    private Map<String, String> properties = Map.of();
    private Acknowledgement acknowledgement = DEFAULT_ACKNOWLEDGEMENT;
    private @Nullable Instant expiryTime;

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
     * Sets the message id (required).
     *
     * @param messageId the message id, the command id for messages the client sends
     * @return this builder
     */
    public Builder messageId(String messageId) {
      this.messageId = Objects.requireNonNull(messageId, "messageId");
      return this;
    }

    /**
     * Sets the body (copied) and its media type. Default: empty, {@value #DEFAULT_CONTENT_TYPE}.
     *
     * @param payload the body bytes
     * @param contentType the media type
     * @return this builder
     */
    public Builder payload(byte[] payload, String contentType) {
      this.payload = Objects.requireNonNull(payload, "payload").clone();
      this.contentType = Objects.requireNonNull(contentType, "contentType");
      return this;
    }

    /**
     * Sets the application properties (copied). Default: none.
     *
     * @param properties the properties
     * @return this builder
     */
    public Builder properties(Map<String, String> properties) {
      this.properties = Map.copyOf(properties);
      return this;
    }

    /**
     * Sets the {@code iothub-ack} mode. Default: {@link #DEFAULT_ACKNOWLEDGEMENT}.
     *
     * @param acknowledgement the mode
     * @return this builder
     */
    public Builder acknowledgement(Acknowledgement acknowledgement) {
      this.acknowledgement = Objects.requireNonNull(acknowledgement, "acknowledgement");
      return this;
    }

    /**
     * Sets the absolute expiry time (required).
     *
     * @param expiryTime when the hub drops the message
     * @return this builder
     */
    public Builder expiryTime(Instant expiryTime) {
      this.expiryTime = Objects.requireNonNull(expiryTime, "expiryTime");
      return this;
    }

    /**
     * Builds the message.
     *
     * @return the message
     * @throws IllegalStateException if device id, message id or expiry time is not set
     */
    public CloudToDeviceMessage build() {
      String d = deviceId;
      String m = messageId;
      Instant e = expiryTime;
      if (d == null || m == null || e == null) {
        throw new IllegalStateException("deviceId, messageId and expiryTime must be set before build(), but "
            + (d == null ? "deviceId" : m == null ? "messageId" : "expiryTime") + " was not");
      }
      return new CloudToDeviceMessage(this, d, m, e);
    }
  }
}
