package io.github.iothubcommands.spi;

import io.github.iothubcommands.Acknowledgement;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A cloud-to-device message as the transport sends it.
 *
 * @param deviceId the target device
 * @param messageId the message id (the command id); feedback names it as {@code originalMessageId}
 * @param payload the body bytes (not copied: treat as read-only)
 * @param contentType the body's media type
 * @param properties application properties, the command name included
 * @param acknowledgement the {@code iothub-ack} mode
 * @param expiryTime the absolute expiry time
 */
public record CloudToDeviceMessage(
    String deviceId,
    String messageId,
    byte[] payload,
    String contentType,
    Map<String, String> properties,
    Acknowledgement acknowledgement,
    Instant expiryTime) {

  /** Checks for nulls and copies the properties. */
  public CloudToDeviceMessage {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(contentType, "contentType");
    properties = Map.copyOf(properties);
    Objects.requireNonNull(acknowledgement, "acknowledgement");
    Objects.requireNonNull(expiryTime, "expiryTime");
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
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }

  @Override
  public String toString() {
    return "CloudToDeviceMessage{deviceId=" + deviceId + ", messageId=" + messageId + ", payloadBytes="
        + payload.length + ", properties=" + properties.keySet() + ", ack=" + acknowledgement
        + ", expiry=" + expiryTime + '}';
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CloudToDeviceMessage m
        && deviceId.equals(m.deviceId) && messageId.equals(m.messageId)
        && java.util.Arrays.equals(payload, m.payload) && contentType.equals(m.contentType)
        && properties.equals(m.properties) && acknowledgement == m.acknowledgement
        && expiryTime.equals(m.expiryTime);
  }

  @Override
  public int hashCode() {
    return Objects.hash(deviceId, messageId, java.util.Arrays.hashCode(payload), contentType, properties,
        acknowledgement, expiryTime);
  }
}
