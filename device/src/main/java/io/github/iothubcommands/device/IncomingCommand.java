package io.github.iothubcommands.device;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.iothubcommands.Command;
import io.github.iothubcommands.WireName;
import io.github.iothubcommands.device.internal.DeviceJson;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A command as the device received it, whichever way it came: its name and component, payload, command id,
 * properties and {@linkplain #mechanism() mechanism}. Immutable. The dispatcher builds these; {@link
 * #builder(Mechanism, String)} is public so that handlers can be unit-tested.
 *
 * <p><b>Command id.</b> The service side's {@link Command#id() command id}, the same for every retry of one
 * command and for both legs of a fallback: for a cloud-to-device message the {@value Command#ID_PROPERTY}
 * property, else its message id (which the service side sets to the same value); for a direct method the
 * payload's top-level {@value io.github.iothubcommands.DirectMethod#COMMAND_ID_MEMBER} member, which the
 * dispatcher removes before the handler sees the payload. A method sent without it ({@code
 * sendCommandId(false)}, or by another sender) falls back on the device SDK's request id for that call,
 * unique per call, so a resent call is then a new command to the dedupe window. A message without a message
 * id (not sent by this library) gets a random id and is never taken for a duplicate.
 *
 * <p><b>Payload.</b> A direct method's payload is always JSON. A cloud-to-device message's is JSON when its
 * content type says {@value Command#JSON}, or when its content type is absent or {@value #OCTET_STREAM} and
 * its bytes are one well-formed UTF-8 JSON value: the Azure service SDK cannot set a content type, so this
 * library's JSON commands arrive without one (or with the generic {@value #OCTET_STREAM} that the hub side
 * fills in). Otherwise it is bytes, of the type the message declared, or {@value #OCTET_STREAM}. Bytes that
 * happen to be valid JSON (such as the ASCII text {@code 42}) are then taken for JSON; {@link #payload()}
 * gives them unchanged either way.
 */
public final class IncomingCommand {
  /** Content type of a payload that is not JSON and came without a content type. */
  public static final String OCTET_STREAM = "application/octet-stream";

  private final Mechanism mechanism;
  private final WireName wireName;
  private final String commandId;
  private final byte[] payload;
  private final String contentType;
  private final Map<String, String> properties;
  private final @Nullable String deviceId;

  private IncomingCommand(Builder b) {
    this.mechanism = b.mechanism;
    this.wireName = b.wireName;
    this.commandId = b.commandId != null ? b.commandId : UUID.randomUUID().toString();
    this.payload = b.payload;
    this.contentType = b.contentType;
    this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(b.properties));
    this.deviceId = b.deviceId;
  }

  /**
   * Starts a command as it would arrive: with a JSON {@code null} payload, a random command id and no
   * properties until set.
   *
   * @param mechanism how it came
   * @param wireName {@code name} or {@code component*name}, parsed by {@link WireName#parse(String)}
   * @return a builder
   * @throws IllegalArgumentException if {@code mechanism} is null or {@code wireName} breaks {@link WireName}'s
   *     rules
   */
  public static Builder builder(Mechanism mechanism, String wireName) {
    return new Builder(mechanism, wireName);
  }

  /**
   * Returns how the command came.
   *
   * @return {@link Mechanism#METHOD} or {@link Mechanism#CLOUD_TO_DEVICE}
   */
  public Mechanism mechanism() {
    return mechanism;
  }

  /**
   * Returns the command name, without component: the name handlers are registered under.
   *
   * @return the name
   */
  public String name() {
    return wireName.name();
  }

  /**
   * Returns the IoT Plug and Play component.
   *
   * @return the component, or empty for the default component
   */
  public Optional<String> component() {
    return wireName.component();
  }

  /**
   * Returns the name as it travelled: {@code component*name}, or {@code name}.
   *
   * @return the wire name
   */
  public WireName wireName() {
    return wireName;
  }

  /**
   * Returns the command id: the service side's command id when it travelled (the {@value Command#ID_PROPERTY}
   * property or message id of a cloud-to-device message, a direct method's {@value
   * io.github.iothubcommands.DirectMethod#COMMAND_ID_MEMBER}), else a direct method's SDK request id (see the
   * class description).
   *
   * @return the command id
   */
  public String commandId() {
    return commandId;
  }

  /**
   * Returns the id of the device that received the command, when the dispatcher knows it.
   *
   * @return the device id, or empty
   */
  public Optional<String> deviceId() {
    return Optional.ofNullable(deviceId);
  }

  /**
   * Returns a copy of the payload bytes.
   *
   * @return the payload; for JSON, its UTF-8 encoding
   */
  public byte[] payload() {
    return payload.clone();
  }

  /**
   * Returns the payload decoded as UTF-8 (for JSON, the JSON text).
   *
   * @return the payload text
   */
  public String payloadAsString() {
    return new String(payload, StandardCharsets.UTF_8);
  }

  /**
   * Returns the payload's content type: {@value Command#JSON} for JSON (see the class description).
   *
   * @return the content type
   */
  public String contentType() {
    return contentType;
  }

  /**
   * Whether the payload is JSON.
   *
   * @return {@code true} if {@link #contentType()} is {@value Command#JSON}
   */
  public boolean isJson() {
    return Command.JSON.equals(contentType);
  }

  /**
   * Returns the payload as a Jackson tree.
   *
   * @return the parsed payload
   * @throws IllegalStateException if the payload is not JSON
   */
  public JsonNode payloadAsJson() {
    JsonNode node = isJson() ? DeviceJson.treeOrNull(payloadAsString()) : null;
    if (node == null) {
      throw new IllegalStateException("the payload of " + wireName + " is not JSON (content type "
          + contentType + ", " + payload.length + " bytes)");
    }
    return node;
  }

  /**
   * Returns the payload bound to {@code type} with Jackson.
   *
   * @param type the target type
   * @param <T> the target type
   * @return the bound payload
   * @throws IllegalStateException if the payload is not JSON or does not bind to {@code type}
   */
  public <T> T payloadAs(Class<T> type) {
    String json = payloadAsJson().toString();
    try {
      return DeviceJson.bind(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the payload of " + wireName + " does not bind to " + type.getName(), e);
    }
  }

  /**
   * Returns the application properties of a cloud-to-device message, without the {@value Command#NAME_PROPERTY}
   * property and without IoT Hub's own ({@code iothub-…}, {@code $…}). Direct methods carry none.
   *
   * @return an unmodifiable map, in the order received
   */
  public Map<String, String> properties() {
    return properties;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return this == o || (o instanceof IncomingCommand c && mechanism == c.mechanism
        && wireName.equals(c.wireName) && commandId.equals(c.commandId) && Arrays.equals(payload, c.payload)
        && contentType.equals(c.contentType) && properties.equals(c.properties)
        && Objects.equals(deviceId, c.deviceId));
  }

  @Override
  public int hashCode() {
    return Objects.hash(mechanism, wireName, commandId, Arrays.hashCode(payload), contentType, properties,
        deviceId);
  }

  /** Names, id and sizes only: payload and property values may be sensitive and are not printed. */
  @Override
  public String toString() {
    return "IncomingCommand{name=" + wireName + ", mechanism=" + mechanism + ", commandId=" + commandId
        + ", contentType=" + contentType + ", payloadBytes=" + payload.length + ", properties="
        + properties.keySet() + '}';
  }

  /** How a command reached the device. */
  public enum Mechanism {
    /** A direct method: the service waits for the reply's status and payload. */
    METHOD,
    /** A cloud-to-device message: the reply is its disposition (complete, reject or abandon). */
    CLOUD_TO_DEVICE
  }

  /** Builds an {@link IncomingCommand}; each setter checks its argument at once. */
  public static final class Builder {
    private final Mechanism mechanism;
    private final WireName wireName;
    private @Nullable String commandId;
    private byte[] payload = "null".getBytes(StandardCharsets.US_ASCII);
    private String contentType = Command.JSON;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private @Nullable String deviceId;

    private Builder(Mechanism mechanism, String wireName) {
      this.mechanism = notNull("mechanism", mechanism);
      this.wireName = WireName.parse(wireName);
    }

    /**
     * Sets the command id.
     *
     * @param commandId the id, not blank
     * @return this builder
     * @throws IllegalArgumentException if the id is null or blank
     */
    public Builder commandId(String commandId) {
      if (notNull("commandId", commandId).isBlank()) {
        throw new IllegalArgumentException("commandId must not be blank, but was '" + commandId + "'");
      }
      this.commandId = commandId;
      return this;
    }

    /**
     * Sets the id of the device that received the command.
     *
     * @param deviceId the device id
     * @return this builder
     * @throws IllegalArgumentException if the id is null
     */
    public Builder deviceId(String deviceId) {
      this.deviceId = notNull("deviceId", deviceId);
      return this;
    }

    /**
     * Sets a JSON payload from its text, checked to be well-formed.
     *
     * @param json one JSON value
     * @return this builder
     * @throws IllegalArgumentException if the text is null or not one well-formed JSON value
     */
    public Builder jsonPayload(String json) {
      this.payload = DeviceJson.checked("payload", json).getBytes(StandardCharsets.UTF_8);
      this.contentType = Command.JSON;
      return this;
    }

    /**
     * Sets a payload of bytes with its content type (not checked: it is what arrived).
     *
     * @param bytes the payload, copied
     * @param contentType its media type
     * @return this builder
     * @throws IllegalArgumentException if either is null, or the content type is blank
     */
    public Builder payload(byte[] bytes, String contentType) {
      this.payload = notNull("payload", bytes).clone();
      if (notNull("contentType", contentType).isBlank()) {
        throw new IllegalArgumentException("contentType must not be blank, but was '" + contentType + "'");
      }
      this.contentType = contentType;
      return this;
    }

    /**
     * Adds an application property.
     *
     * @param key the property name
     * @param value its value
     * @return this builder
     * @throws IllegalArgumentException if either is null
     */
    public Builder property(String key, String value) {
      properties.put(notNull("property key", key), notNull("property value", value));
      return this;
    }

    /**
     * Builds the command.
     *
     * @return an immutable incoming command
     */
    public IncomingCommand build() {
      return new IncomingCommand(this);
    }

    private static <T> T notNull(String field, @Nullable T value) {
      if (value == null) {
        throw new IllegalArgumentException(field + " must not be null");
      }
      return value;
    }
  }
}
