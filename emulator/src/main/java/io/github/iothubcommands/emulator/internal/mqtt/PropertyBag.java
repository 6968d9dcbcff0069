package io.github.iothubcommands.emulator.internal.mqtt;

import io.github.iothubcommands.spi.CloudToDeviceMessage;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * IoT Hub MQTT topic property bags: {@code k1=v1&k2=v2}, keys and values URL-encoded, system properties
 * spelled {@code %24.mid} etc. The device SDK reads the bag from the first {@code %24} on, splits on
 * {@code &} and {@code =} and URL-decodes both halves, so system properties come first, no value is empty
 * ({@code k=} makes the SDK throw) and a space is {@code %20}, never {@code +}.
 */
final class PropertyBag {
  private PropertyBag() {}

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** One device's C2D topics; the parts that name the device are built once, when it connects. */
  static final class C2dTopics {
    /** The filter the device subscribes to. */
    final String filter;
    private final String prefix;
    private final String encodedTo;

    C2dTopics(String deviceId) {
      prefix = "devices/" + deviceId + "/messages/devicebound/";
      filter = prefix + "#";
      encodedTo = encode("/devices/" + deviceId + "/messages/devicebound");
    }

    /** The topic for a message: system properties, the ack mode, then the application properties. */
    String topic(CloudToDeviceMessage m) {
      return c2dTopic(prefix, encodedTo, m);
    }
  }

  private static String c2dTopic(String prefix, String encodedTo, CloudToDeviceMessage m) {
    Map<String, String> bag = new LinkedHashMap<>();
    bag.put("%24.mid", encode(m.messageId()));
    bag.put("%24.to", encodedTo);
    bag.put("%24.exp", encode(m.expiryTime().toString()));
    if (!m.contentType().isEmpty()) {
      bag.put("%24.ct", encode(m.contentType()));
    }
    bag.put("iothub-ack", m.acknowledgement().wireValue());
    for (Map.Entry<String, String> e : m.properties().entrySet()) {
      if (!e.getValue().isEmpty() && !reserved(e.getKey())) {
        bag.putIfAbsent(encode(e.getKey()), encode(e.getValue()));
      }
    }
    StringBuilder sb = new StringBuilder(prefix);
    String sep = "";
    for (Map.Entry<String, String> e : bag.entrySet()) {
      sb.append(sep).append(e.getKey()).append('=').append(e.getValue());
      sep = "&";
    }
    return sb.toString();
  }

  /** Names the device SDK refuses as application properties (its setProperty throws on them). */
  private static boolean reserved(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.startsWith("iothub-") || k.startsWith("$") || k.startsWith("%24");
  }

  /** Parses {@code a=b&c=d} (no leading {@code ?}), decoding keys and values. */
  static Map<String, String> parse(String bag) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String part : bag.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String k = eq < 0 ? part : part.substring(0, eq);
      String v = eq < 0 ? "" : part.substring(eq + 1);
      out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return out;
  }
}
