package io.github.iothubcommands.emulator.internal.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.github.iothubcommands.HubTier;
import io.github.iothubcommands.emulator.EmulatorConfigException;
import io.github.iothubcommands.emulator.IotHubEmulator;
import io.github.iothubcommands.emulator.internal.DeviceRegistry;
import io.github.iothubcommands.engine.HubLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A configuration file, read and checked: each setting as the {@link IotHubEmulator.Builder} call it stands
 * for, in the file's order, with its path for the error message. Reading applies every setting to a scratch
 * builder, so a file that reads is a file that applies.
 */
public final class ConfigFile {
  /** The root log levels {@code logLevel} and {@code --log-level} take. */
  public static final List<String> LOG_LEVELS = List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE");

  private static final List<String> TOP_KEYS = List.of("hubName", "bindAddress", "allowNonLoopbackBindAddress",
      "httpsPort", "mqttPort", "amqpPort", "handshakeTimeout", "requestTimeout", "idleTimeout", "virtualTime",
      "logLevel", "devices", "limits", "tier");
  private static final List<String> DEVICE_KEYS = List.of("id", "primaryKey", "secondaryKey", "enabled");
  private static final List<String> TIER_KEYS = List.of("name", "units");
  private static final Map<String, Limit> LIMITS = limits();

  private final Path file;
  private final List<Setting> settings;
  private final @Nullable String logLevel;
  private final Where where;

  private ConfigFile(Path file, List<Setting> settings, @Nullable String logLevel, Where where) {
    this.file = file;
    this.settings = settings;
    this.logLevel = logLevel;
    this.where = where;
  }

  /**
   * Where the file says the emulator listens, for the command line's {@code --health} and its
   * {@code --bind} check.
   *
   * @param bindAddress the {@code bindAddress} value ({@code auto} or an IPv4 literal), or {@code null}
   * @param httpsPort the {@code httpsPort} value, or {@code null}
   * @param allowNonLoopback whether {@code allowNonLoopbackBindAddress} is {@code true}
   */
  public record Where(@Nullable String bindAddress, @Nullable Integer httpsPort, boolean allowNonLoopback) {}

  /** One builder call, from the top-level key {@code key}, at {@code path}. */
  private record Setting(String key, String path, Consumer<IotHubEmulator.Builder> apply) {}

  /** A limit: its kind and its {@link HubLimits.Builder} setter. */
  private record Limit(Kind kind, BiConsumer<HubLimits.Builder, Object> set) {}

  private enum Kind { INT, LONG, NUMBER, DURATION }

  /**
   * Reads and checks a file: JSON for {@code .json}, YAML for {@code .yaml} and {@code .yml}.
   *
   * @param file the file
   * @return the configuration
   * @throws EmulatorConfigException naming the file, the key's path, the rule and the value (never a key's)
   */
  public static ConfigFile read(Path file) {
    String name = String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT);
    ObjectMapper mapper;
    String format;
    if (name.endsWith(".json")) {
      mapper = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
      format = "JSON";
    } else if (name.endsWith(".yaml") || name.endsWith(".yml")) {
      mapper = YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
      format = "YAML";
    } else {
      throw EmulatorConfigException.of(file, "", "must be named *.json, *.yaml or *.yml (the ending says the"
          + " format), but was named " + file.getFileName());
    }
    JsonNode root;
    try {
      root = mapper.readTree(Files.readAllBytes(file));
    } catch (JsonProcessingException e) {
      // the parser's own message may quote the text around the fault, which may be a key: only the place
      JsonLocation at = e.getLocation();
      throw EmulatorConfigException.of(file, "", "is not valid " + format
          + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()));
    } catch (IOException e) {
      throw EmulatorConfigException.of(file, "", "cannot be read: " + e.getClass().getSimpleName());
    }
    if (root == null || !root.isObject()) {
      throw EmulatorConfigException.of(file, "", "must hold one " + format + " object (settings by key), but holds "
          + (root == null || root.isMissingNode() ? "nothing" : kind(root)));
    }
    ConfigFile config = new Parser(file).parse(root);
    config.applyTo(IotHubEmulator.builder(), Set.of()); // every setter's own check, now, with its path
    return config;
  }

  /**
   * Applies the settings in the file's order.
   *
   * @param builder the builder
   * @param skip top-level keys not to apply (those the command line overrides)
   * @throws EmulatorConfigException if a setter refuses a value
   */
  public void applyTo(IotHubEmulator.Builder builder, Set<String> skip) {
    for (Setting s : settings) {
      if (skip.contains(s.key())) {
        continue;
      }
      try {
        s.apply().accept(builder);
      } catch (EmulatorConfigException e) {
        throw e;
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw invalid(file, s.path(), leaf(s.path()), e);
      }
    }
  }

  /**
   * Returns where the file says the emulator listens.
   *
   * @return its bind address, HTTPS port and non-loopback permission, as written
   */
  public Where where() {
    return where;
  }

  /**
   * Returns the root log level the file asks for.
   *
   * @return one of {@link #LOG_LEVELS}, or empty
   */
  public Optional<String> logLevel() {
    return Optional.ofNullable(logLevel);
  }

  /**
   * Checks a log level, whatever its case.
   *
   * @param where the option or key, for the message
   * @param level the level
   * @return the level in upper case
   * @throws IllegalArgumentException naming {@code where}, the levels and the value
   */
  public static String checkLogLevel(String where, String level) {
    String upper = level.toUpperCase(Locale.ROOT);
    if (!LOG_LEVELS.contains(upper)) {
      throw new IllegalArgumentException(where + " must be one of " + String.join(", ", LOG_LEVELS) + ", but was '"
          + level + "'");
    }
    return upper;
  }

  /** Walks the tree; every refusal names its path. */
  private static final class Parser {
    private final Path file;
    private final List<Setting> settings = new ArrayList<>();
    private @Nullable String logLevel;
    private @Nullable String bindAddress;
    private @Nullable Integer httpsPort;
    private boolean allowNonLoopback;

    Parser(Path file) {
      this.file = file;
    }

    ConfigFile parse(JsonNode root) {
      knownKeys(root, "", TOP_KEYS);
      for (Map.Entry<String, JsonNode> e : root.properties()) {
        String key = e.getKey();
        JsonNode v = e.getValue();
        switch (key) {
          case "hubName" -> add(key, key, b -> b.hubName(text(v, key)));
          case "bindAddress" -> {
            String address = text(v, key);
            bindAddress = address;
            add(key, key, address.equals("auto") ? IotHubEmulator.Builder::bindAnyFreeLoopbackAddress
                : b -> b.bindAddress(address));
          }
          case "allowNonLoopbackBindAddress" -> {
            allowNonLoopback = bool(v, key);
            if (allowNonLoopback) {
              add(key, key, IotHubEmulator.Builder::allowNonLoopbackBindAddress);
            }
          }
          case "httpsPort" -> {
            int port = integer(v, key);
            httpsPort = port;
            add(key, key, b -> b.httpsPort(port));
          }
          case "mqttPort" -> add(key, key, b -> b.mqttPort(integer(v, key)));
          case "amqpPort" -> add(key, key, b -> b.amqpPort(integer(v, key)));
          case "handshakeTimeout" -> add(key, key, b -> b.handshakeTimeout(duration(v, key)));
          case "requestTimeout" -> add(key, key, b -> b.requestTimeout(duration(v, key)));
          case "idleTimeout" -> add(key, key, b -> b.idleTimeout(duration(v, key)));
          case "virtualTime" -> {
            if (bool(v, key)) {
              add(key, key, IotHubEmulator.Builder::virtualTime);
            }
          }
          case "logLevel" -> logLevel = check(key, "logLevel", () -> checkLogLevel("logLevel", text(v, key)));
          case "devices" -> devices(v);
          case "limits" -> limits(v);
          case "tier" -> tier(v);
          default -> throw new IllegalStateException("unreachable: " + key);
        }
      }
      return new ConfigFile(file, List.copyOf(settings), logLevel, new Where(bindAddress, httpsPort,
          allowNonLoopback));
    }

    private void add(String key, String path, Consumer<IotHubEmulator.Builder> apply) {
      settings.add(new Setting(key, path, apply));
    }

    private void devices(JsonNode v) {
      if (!v.isArray()) {
        throw EmulatorConfigException.of(file, "devices", "must be a list of devices, but was " + shown(v));
      }
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < v.size(); i++) {
        String at = "devices[" + i + "]";
        JsonNode d = v.get(i);
        if (!d.isObject()) {
          throw EmulatorConfigException.of(file, at, "must be a device (an object with an id), but was " + shown(d));
        }
        knownKeys(d, at, DEVICE_KEYS);
        if (!d.has("id")) {
          throw EmulatorConfigException.of(file, at + ".id", "is required, but is missing");
        }
        String id = check(at + ".id", "deviceId", () -> DeviceRegistry.checkDeviceId(text(d.get("id"), at + ".id")));
        if (!seen.add(id)) {
          throw EmulatorConfigException.of(file, at + ".id", "must be unique, but '" + id + "' is listed before");
        }
        String primary = key(d, at, "primaryKey");
        String secondary = key(d, at, "secondaryKey");
        boolean enabled = !d.has("enabled") || bool(d.get("enabled"), at + ".enabled");
        add("devices", at, b -> b.device(id, primary, secondary, enabled));
      }
    }

    private @Nullable String key(JsonNode device, String at, String field) {
      JsonNode k = device.get(field);
      if (k == null) {
        return null;
      }
      String path = at + "." + field;
      if (!k.isTextual()) {
        throw EmulatorConfigException.of(file, path, "must be a string (base64 of " + DeviceRegistry.MIN_KEY_BYTES
            + " to " + DeviceRegistry.MAX_KEY_BYTES + " bytes), but was " + kind(k)); // no value: it is a key
      }
      return check(path, field, () -> DeviceRegistry.checkKey(field, k.textValue()));
    }

    private void limits(JsonNode v) {
      if (!v.isObject()) {
        throw EmulatorConfigException.of(file, "limits", "must be an object of limits, but was " + shown(v));
      }
      knownKeys(v, "limits", List.copyOf(LIMITS.keySet()));
      HubLimits.Builder limits = HubLimits.custom();
      for (Map.Entry<String, JsonNode> e : v.properties()) {
        String path = "limits." + e.getKey();
        Limit limit = LIMITS.get(e.getKey());
        Object value = switch (limit.kind()) {
          case INT -> integer(e.getValue(), path);
          case LONG -> whole(e.getValue(), path);
          case NUMBER -> number(e.getValue(), path);
          case DURATION -> duration(e.getValue(), path);
        };
        check(path, e.getKey(), () -> {
          limit.set().accept(limits, value);
          return value;
        });
      }
      HubLimits built = check("limits", "", limits::build);
      add("limits", "limits", b -> b.limits(built));
    }

    private void tier(JsonNode v) {
      if (!v.isObject()) {
        throw EmulatorConfigException.of(file, "tier", "must be an object with a name (one of "
            + Arrays.toString(HubTier.values()) + ") and units, but was " + shown(v));
      }
      knownKeys(v, "tier", TIER_KEYS);
      if (!v.has("name")) {
        throw EmulatorConfigException.of(file, "tier.name", "is required (one of " + Arrays.toString(HubTier.values())
            + "), but is missing");
      }
      String name = text(v.get("name"), "tier.name");
      HubTier tier = Arrays.stream(HubTier.values()).filter(t -> t.name().equalsIgnoreCase(name)).findFirst()
          .orElseThrow(() -> EmulatorConfigException.of(file, "tier.name", "must be one of "
              + Arrays.toString(HubTier.values()) + ", but was '" + name + "'"));
      int units = v.has("units") ? integer(v.get("units"), "tier.units") : 1;
      check("tier.units", "units", () -> HubLimits.custom().tier(tier, units));
      add("tier", "tier", b -> b.tier(tier, units));
    }

    private void knownKeys(JsonNode object, String at, List<String> known) {
      for (Map.Entry<String, JsonNode> property : object.properties()) {
        String k = property.getKey();
        if (!known.contains(k)) {
          throw EmulatorConfigException.of(file, at.isEmpty() ? k : at + "." + k, "is not a known key; the keys"
              + (at.isEmpty() ? "" : " of " + at) + " are " + String.join(", ", known));
        }
      }
    }

    private String text(JsonNode v, String path) {
      if (!v.isTextual()) {
        throw EmulatorConfigException.of(file, path, "must be a string, but was " + shown(v));
      }
      return v.textValue();
    }

    private boolean bool(JsonNode v, String path) {
      if (!v.isBoolean()) {
        throw EmulatorConfigException.of(file, path, "must be true or false, but was " + shown(v));
      }
      return v.booleanValue();
    }

    private int integer(JsonNode v, String path) {
      long n = whole(v, path);
      if (n != (int) n) {
        throw EmulatorConfigException.of(file, path, "must be a whole number of at most " + Integer.MAX_VALUE
            + ", but was " + shown(v));
      }
      return (int) n;
    }

    private long whole(JsonNode v, String path) {
      if (!v.isIntegralNumber() || !v.canConvertToLong()) {
        throw EmulatorConfigException.of(file, path, "must be a whole number, but was " + shown(v));
      }
      return v.longValue();
    }

    private double number(JsonNode v, String path) {
      if (!v.isNumber()) {
        throw EmulatorConfigException.of(file, path, "must be a number, but was " + shown(v));
      }
      return v.doubleValue();
    }

    private Duration duration(JsonNode v, String path) {
      String text = v.isTextual() ? v.textValue() : null;
      try {
        if (text != null) {
          return Duration.parse(text);
        }
      } catch (DateTimeParseException e) {
        // the message below
      }
      throw EmulatorConfigException.of(file, path, "must be an ISO-8601 duration such as PT30S or PT1H, but was "
          + shown(v));
    }

    /** Runs a core or builder check; its refusal, re-worded to start with the path. */
    private <T> T check(String path, String field, Supplier<T> rule) {
      try {
        return rule.get();
      } catch (EmulatorConfigException e) { // already names the file and path (a type check inside the rule)
        throw e;
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw invalid(file, path, field, e);
      }
    }
  }

  /** {@code "queueDepth must be positive, but was 0"} at {@code limits.queueDepth}: "limits.queueDepth must …". */
  private static EmulatorConfigException invalid(Path file, String path, String field, RuntimeException e) {
    String message = String.valueOf(e.getMessage());
    String problem = !field.isEmpty() && message.startsWith(field + " ") ? message.substring(field.length() + 1)
        : "breaks a rule: " + message;
    return EmulatorConfigException.of(file, path, problem);
  }

  private static String leaf(String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? path : path.substring(dot + 1);
  }

  private static String kind(JsonNode v) {
    return switch (v.getNodeType()) {
      case ARRAY -> "a list";
      case OBJECT, POJO -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> "nothing";
    };
  }

  /** The value, as written, and what it is: for keys that hold no secret. */
  private static String shown(JsonNode v) {
    return v.isValueNode() && !v.isNull() ? (v.isTextual() ? "'" + v.textValue() + "'" : v.toString()) + " ("
        + kind(v) + ")" : kind(v);
  }

  private static Map<String, Limit> limits() {
    Map<String, Limit> m = new LinkedHashMap<>();
    m.put("queueDepth", new Limit(Kind.INT, (b, v) -> b.queueDepth((Integer) v)));
    m.put("maxMessageBytes", new Limit(Kind.INT, (b, v) -> b.maxMessageBytes((Integer) v)));
    m.put("maxTimeToLive", new Limit(Kind.DURATION, (b, v) -> b.maxTimeToLive((Duration) v)));
    m.put("lockTimeout", new Limit(Kind.DURATION, (b, v) -> b.lockTimeout((Duration) v)));
    m.put("maxDeliveryCount", new Limit(Kind.INT, (b, v) -> b.maxDeliveryCount((Integer) v)));
    m.put("feedbackBatchSize", new Limit(Kind.INT, (b, v) -> b.feedbackBatchSize((Integer) v)));
    m.put("feedbackBatchInterval", new Limit(Kind.DURATION, (b, v) -> b.feedbackBatchInterval((Duration) v)));
    m.put("maxFeedbackDeliveryCount", new Limit(Kind.INT, (b, v) -> b.maxFeedbackDeliveryCount((Integer) v)));
    m.put("feedbackTimeToLive", new Limit(Kind.DURATION, (b, v) -> b.feedbackTimeToLive((Duration) v)));
    m.put("maxMethodPayloadBytes", new Limit(Kind.INT, (b, v) -> b.maxMethodPayloadBytes((Integer) v)));
    m.put("maxConnectTimeout", new Limit(Kind.DURATION, (b, v) -> b.maxConnectTimeout((Duration) v)));
    m.put("minResponseTimeout", new Limit(Kind.DURATION, (b, v) -> b.minResponseTimeout((Duration) v)));
    m.put("maxResponseTimeout", new Limit(Kind.DURATION, (b, v) -> b.maxResponseTimeout((Duration) v)));
    m.put("cloudToDeviceSendsPerSecond", new Limit(Kind.NUMBER,
        (b, v) -> b.cloudToDeviceSendsPerSecond((Double) v)));
    m.put("methodBytesPerSecond", new Limit(Kind.LONG, (b, v) -> b.methodBytesPerSecond((Long) v)));
    m.put("throttleBurst", new Limit(Kind.DURATION, (b, v) -> b.throttleBurst((Duration) v)));
    return Collections.unmodifiableMap(m);
  }
}
