package io.github.iothubcommands;

import io.github.iothubcommands.internal.Json;
import io.github.iothubcommands.internal.Validation;
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
 * What to do on a device: a name, a payload, properties and a unique id. Immutable; built with {@link
 * #named(String)} or {@link #toBuilder()}.
 *
 * <pre>{@code
 * Command reboot = Command.named("reboot")
 *     .jsonPayload(Map.of("delaySeconds", 5))
 *     .build();
 * }</pre>
 *
 * <p>The {@linkplain #id() id} is the command's idempotency key: it becomes the cloud-to-device message id
 * (which feedback correlates on), and the client refuses a second command with the same id while the first
 * is in flight. It is a random UUID unless {@linkplain Builder#id(String) supplied}.
 *
 * <p>On the wire: a direct method is called by its {@linkplain #wireName() wire name} ({@code
 * component*name} for an IoT Plug and Play component); a cloud-to-device message carries the wire name in
 * the {@value #NAME_PROPERTY} property and its id in the {@value #ID_PROPERTY} property, beside the command's
 * own properties; a direct method carries the id in its payload ({@link DirectMethod#COMMAND_ID_MEMBER}).
 */
public final class Command {
  /** Content type of JSON payloads. */
  public static final String JSON = "application/json";
  /**
   * The cloud-to-device message property that carries the command's wire name. Not {@code iothub-…}: IoT
   * Hub reserves that prefix and the device SDK refuses such application properties.
   */
  public static final String NAME_PROPERTY = "command-name";
  /**
   * The cloud-to-device message property that carries the command id, beside the message id (which it
   * equals). A device dedupes on it; direct methods carry the id in the payload instead ({@link
   * DirectMethod#COMMAND_ID_MEMBER}). See {@code docs/retries-and-idempotency.md}.
   */
  public static final String ID_PROPERTY = "command-id";
  /** Maximum length of a command name, component name, property key or supplied id. */
  public static final int MAX_NAME_LENGTH = 128;

  private final String id;
  private final String name;
  private final @Nullable String component;
  private final byte[] payload;
  private final String contentType;
  private final Map<String, String> properties;

  private Command(Builder b) {
    this.id = b.id != null ? b.id : UUID.randomUUID().toString();
    this.name = b.name;
    this.component = b.component;
    this.payload = b.payload;
    this.contentType = b.contentType;
    this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(b.properties));
  }

  /**
   * Starts a command with this name and, until set otherwise, an empty JSON payload ({@code null}).
   *
   * @param name the command name: 1 to 128 printable ASCII characters, none of {@code / ? # + * $} or
   *     whitespace
   * @return a builder
   * @throws IllegalArgumentException if the name breaks that rule
   */
  public static Builder named(String name) {
    return new Builder(name);
  }

  /**
   * Returns the unique id, also the idempotency key and the cloud-to-device message id.
   *
   * @return the id
   */
  public String id() {
    return id;
  }

  /**
   * Returns the command name, without component.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the IoT Plug and Play component the command belongs to, if any.
   *
   * @return the component name, or empty for the default component
   */
  public Optional<String> component() {
    return Optional.ofNullable(component);
  }

  /**
   * Returns the name as the device sees it: {@code component*name}, or {@code name} without a component.
   *
   * @return the wire name
   */
  public String wireName() {
    return component == null ? name : component + "*" + name;
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
   * Returns the payload size in bytes.
   *
   * @return the payload size
   */
  public int payloadSize() {
    return payload.length;
  }

  /**
   * Returns the payload decoded as UTF-8 (for JSON payloads, the JSON text).
   *
   * @return the payload text
   */
  public String payloadAsString() {
    return new String(payload, StandardCharsets.UTF_8);
  }

  /**
   * Returns the payload's content type: {@value #JSON} unless raw bytes were given.
   *
   * @return the content type
   */
  public String contentType() {
    return contentType;
  }

  /**
   * Whether the payload is JSON ({@link #contentType()} is {@value #JSON}). Only JSON payloads can travel as
   * direct methods.
   *
   * @return {@code true} for a JSON payload
   */
  public boolean isJson() {
    return JSON.equals(contentType);
  }

  /**
   * Returns the application properties, in insertion order. Cloud-to-device messages carry them; direct
   * methods cannot.
   *
   * @return an unmodifiable map
   */
  public Map<String, String> properties() {
    return properties;
  }

  /**
   * Returns a builder holding this command's values, id included.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(name);
    b.id = id;
    b.component = component;
    b.payload = payload;
    b.contentType = contentType;
    b.properties.putAll(properties);
    return b;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Command)) {
      return false;
    }
    Command c = (Command) o;
    return id.equals(c.id)
        && name.equals(c.name)
        && Objects.equals(component, c.component)
        && Arrays.equals(payload, c.payload)
        && contentType.equals(c.contentType)
        && properties.equals(c.properties);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, name, component, Arrays.hashCode(payload), contentType, properties);
  }

  /** Names, id and sizes only: payload and property values may be sensitive and are not printed. */
  @Override
  public String toString() {
    return "Command{name=" + wireName() + ", id=" + id + ", contentType=" + contentType
        + ", payloadBytes=" + payload.length + ", properties=" + properties.keySet() + '}';
  }

  /** Builds a {@link Command}; each setter validates its argument at once. */
  public static final class Builder {
    private final String name;
    private @Nullable String id;
    private @Nullable String component;
    private byte[] payload = Json.nullBytes();
    private String contentType = JSON;
    private final Map<String, String> properties = new LinkedHashMap<>();

    private Builder(String name) {
      this.name = Validation.commandName("name", name);
    }

    /**
     * Supplies the id (the idempotency key) instead of a random UUID.
     *
     * @param id 1 to 128 printable ASCII characters
     * @return this builder
     * @throws IllegalArgumentException if the id breaks that rule
     */
    public Builder id(String id) {
      this.id = Validation.printableAscii("id", id, MAX_NAME_LENGTH);
      return this;
    }

    /**
     * Puts the command in an IoT Plug and Play component; the wire name becomes {@code component*name}.
     *
     * @param component a DTDL name: a letter, then letters, digits or underscores, not ending with an
     *     underscore, at most 64 characters
     * @return this builder
     * @throws IllegalArgumentException if the component breaks that rule
     */
    public Builder component(String component) {
      this.component = Validation.componentName("component", component);
      return this;
    }

    /**
     * Sets a JSON payload: {@code value} serialized with Jackson ({@code JsonNode}, maps, records, beans,
     * strings, numbers...).
     *
     * @param value the value to serialize; {@code null} gives the JSON {@code null}
     * @return this builder
     * @throws IllegalArgumentException if Jackson cannot serialize the value
     */
    public Builder jsonPayload(@Nullable Object value) {
      this.payload = Json.toBytes("payload", value);
      this.contentType = JSON;
      return this;
    }

    /**
     * Sets a JSON payload from JSON text, checked to be well-formed.
     *
     * @param json one JSON value
     * @return this builder
     * @throws IllegalArgumentException if the text is not a single well-formed JSON value
     */
    public Builder rawJsonPayload(String json) {
      this.payload = Json.checkedJsonBytes("payload", json);
      this.contentType = JSON;
      return this;
    }

    /**
     * Sets a raw payload. Such a command can travel only as a cloud-to-device message, unless the content
     * type is {@value Command#JSON} and the bytes are UTF-8 JSON.
     *
     * @param bytes the payload, copied
     * @param contentType its media type, such as {@code application/octet-stream}
     * @return this builder
     * @throws IllegalArgumentException if the content type is blank, or is {@value Command#JSON} and the
     *     bytes are not well-formed JSON
     */
    public Builder payload(byte[] bytes, String contentType) {
      Validation.notNull("payload", bytes);
      String type = Validation.printableAscii("contentType", contentType, MAX_NAME_LENGTH);
      this.payload =
          JSON.equals(type)
              ? Json.checkedJsonBytes("payload", new String(bytes, StandardCharsets.UTF_8))
              : bytes.clone();
      this.contentType = type;
      return this;
    }

    /**
     * Adds an application property, carried by cloud-to-device messages.
     *
     * @param key 1 to 128 printable ASCII characters, not {@value Command#NAME_PROPERTY} or {@value
     *     Command#ID_PROPERTY}, and not starting
     *     with {@code iothub-} or {@code $}
     * @param value any string, possibly empty
     * @return this builder
     * @throws IllegalArgumentException if the key breaks that rule
     */
    public Builder property(String key, String value) {
      properties.put(Validation.propertyKey("property key", key), Validation.notNull("property value", value));
      return this;
    }

    /**
     * Adds all these application properties; see {@link #property(String, String)}.
     *
     * @param properties the properties to add
     * @return this builder
     * @throws IllegalArgumentException if any key breaks the rule
     */
    public Builder properties(Map<String, String> properties) {
      Validation.notNull("properties", properties).forEach(this::property);
      return this;
    }

    /**
     * Builds the command.
     *
     * @return an immutable command
     */
    public Command build() {
      return new Command(this);
    }
  }
}
