package io.github.iothubcommands.emulator.internal.https;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.iothubcommands.emulator.internal.MethodPayloads;
import io.github.iothubcommands.engine.DeviceInfo;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/** JSON shapes of the hub's HTTPS API, as iot-service-client 2.1.9 parses them. */
final class HubJson {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  /** .NET's DateTime.MinValue: what the hub reports for "never". */
  static final String NEVER = "0001-01-01T00:00:00Z";

  private HubJson() {}

  /**
   * An error body. The SDK unwraps {@code Message} and reads {@code errorCode} from the innermost JSON
   * object, so the inner message is itself JSON.
   */
  static byte[] error(int errorCode, String message) {
    ObjectNode inner = JSON.objectNode()
        .put("errorCode", errorCode)
        .put("trackingId", UUID.randomUUID().toString().replace("-", ""))
        .put("message", message);
    inner.putObject("info");
    inner.put("timestampUtc", Instant.now().toString());
    ObjectNode outer = JSON.objectNode().put("Message", inner.toString()).put("ExceptionMessage", "");
    return bytes(outer);
  }

  /**
   * A direct method reply: {@code {"status":s,"payload":p}}.
   *
   * @throws IllegalArgumentException if {@code payloadJson} is not one JSON value
   */
  static byte[] methodResult(int status, String payloadJson) {
    ObjectNode o = JSON.objectNode().put("status", status);
    o.set("payload", MethodPayloads.parse(payloadJson));
    return bytes(o);
  }

  /** A registry entry as the hub returns it. */
  static byte[] device(DeviceInfo d) {
    ObjectNode o = JSON.objectNode()
        .put("deviceId", d.deviceId())
        .put("generationId", d.generationId())
        .put("etag", d.etag())
        .put("connectionState", d.connected() ? "Connected" : "Disconnected")
        .put("status", d.enabled() ? "enabled" : "disabled")
        .putNull("statusReason")
        .put("connectionStateUpdatedTime", NEVER)
        .put("statusUpdatedTime", NEVER)
        .put("lastActivityTime", NEVER)
        .put("cloudToDeviceMessageCount", d.cloudToDeviceMessageCount());
    ObjectNode auth = o.putObject("authentication");
    auth.putObject("symmetricKey").put("primaryKey", d.primaryKey()).put("secondaryKey", d.secondaryKey());
    auth.putObject("x509Thumbprint").putNull("primaryThumbprint").putNull("secondaryThumbprint");
    auth.put("type", "sas");
    o.putObject("capabilities").put("iotEdge", false);
    return bytes(o);
  }

  /** What kind of JSON value a node is, for a message: {@code a number (123)}, {@code a string}. */
  static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case NUMBER -> "a number (" + shorten(node.toString()) + ")";
      case STRING -> "a string";
      case BOOLEAN -> "a boolean (" + node + ")";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case NULL -> "null";
      default -> "nothing";
    };
  }

  /** A value shown in an error message: at most 40 characters. */
  static String shorten(String text) {
    return text.length() > 40 ? text.substring(0, 40) + "…" : text;
  }

  static JsonNode parse(byte[] json) {
    return MethodPayloads.parse(new String(json, StandardCharsets.UTF_8));
  }

  private static byte[] bytes(JsonNode node) {
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }
}
