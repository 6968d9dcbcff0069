package io.github.iothubcommands.device.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.MessageProperty;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import io.github.iothubcommands.Command;
import io.github.iothubcommands.DirectMethod;
import io.github.iothubcommands.device.CommandReply;
import io.github.iothubcommands.device.IncomingCommand;
import io.github.iothubcommands.device.IncomingCommand.Mechanism;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** Between the device SDK's types and the dispatcher's: what arrived, and what to answer. */
public final class SdkMessages {
  private SdkMessages() {}

  /**
   * A command and its dedupe key, or — when what arrived is not a command (no valid name) — the name it
   * claimed, for the unknown-command reply.
   */
  public record Arrival(@Nullable IncomingCommand command, CommandKey key, String claimedName) {}

  /**
   * A C2D message: its name from {@value Command#NAME_PROPERTY}, its command id from {@value
   * Command#ID_PROPERTY}, else from its message id.
   */
  public static Arrival fromMessage(Message m, String deviceId) {
    String name = m.getProperty(Command.NAME_PROPERTY);
    if (name == null) {
      return new Arrival(null, CommandKey.none(), "");
    }
    IncomingCommand.Builder b;
    try {
      b = IncomingCommand.builder(Mechanism.CLOUD_TO_DEVICE, name);
    } catch (IllegalArgumentException e) {
      return new Arrival(null, CommandKey.none(), name);
    }
    b.deviceId(deviceId);
    byte[] body = m.getBytes() == null ? new byte[0] : m.getBytes();
    b.payload(body, contentType(m.getContentType(), body));
    String id = m.getProperty(Command.ID_PROPERTY);
    if (id == null || id.isBlank()) {
      id = m.getMessageId();
    }
    CommandKey key = CommandKey.none();
    if (id != null && !id.isBlank()) {
      b.commandId(id);
      key = CommandKey.commandId(id);
    }
    MessageProperty[] properties = m.getProperties();
    if (properties != null) {
      for (MessageProperty p : properties) {
        String k = p.getName();
        if (!k.equals(Command.NAME_PROPERTY) && !k.equals(Command.ID_PROPERTY) && !k.startsWith("iothub-")
            && !k.startsWith("$")) {
          b.property(k, p.getValue());
        }
      }
    }
    return new Arrival(b.build(), key, name);
  }

  /**
   * A direct method. Its command id is the payload's {@value DirectMethod#COMMAND_ID_MEMBER}, removed from the
   * payload the handler sees; without it, the SDK's request id (a key of its own namespace); without either,
   * the call is never taken for a duplicate.
   */
  public static Arrival fromMethod(String methodName, @Nullable String payloadJson, @Nullable String requestId,
      String deviceId) {
    IncomingCommand.Builder b;
    try {
      b = IncomingCommand.builder(Mechanism.METHOD, methodName);
    } catch (IllegalArgumentException e) {
      return new Arrival(null, CommandKey.none(), methodName);
    }
    b.deviceId(deviceId);
    String json = payloadJson == null ? "null" : payloadJson;
    String commandId = DirectMethod.commandIdOf(json).orElse(null);
    if (commandId != null) {
      b.payload(DirectMethod.withoutCommandId(json).getBytes(StandardCharsets.UTF_8), Command.JSON);
      b.commandId(commandId);
      return new Arrival(b.build(), CommandKey.commandId(commandId), methodName);
    }
    b.payload(json.getBytes(StandardCharsets.UTF_8), Command.JSON);
    CommandKey key = CommandKey.none();
    if (requestId != null && !requestId.isBlank()) {
      b.commandId(requestId);
      key = CommandKey.methodRequest(requestId);
    }
    return new Arrival(b.build(), key, methodName);
  }

  /**
   * The declared content type; without one — or with {@value IncomingCommand#OCTET_STREAM}, which the hub
   * side reports for a message sent without one (the service SDK cannot set it) — JSON if the bytes are one
   * well-formed JSON value, else {@value IncomingCommand#OCTET_STREAM}.
   */
  static String contentType(@Nullable String declared, byte[] body) {
    if (declared != null && !declared.isBlank() && !declared.equals(IncomingCommand.OCTET_STREAM)) {
      return declared;
    }
    boolean json = body.length > 0 && DeviceJson.treeOrNull(new String(body, StandardCharsets.UTF_8)) != null;
    return json ? Command.JSON : IncomingCommand.OCTET_STREAM;
  }

  /** The settlement of a C2D message. */
  public static IotHubMessageResult result(CommandReply reply) {
    return switch (reply.disposition()) {
      case COMPLETE -> IotHubMessageResult.COMPLETE;
      case REJECT -> IotHubMessageResult.REJECT;
      case ABANDON -> IotHubMessageResult.ABANDON;
    };
  }

  /** The SDK's method response: the status, and the JSON as a Gson tree (which the SDK writes unchanged). */
  public static DirectMethodResponse response(CommandReply reply) {
    JsonElement payload = JsonParser.parseString(reply.payloadJson());
    return new DirectMethodResponse(reply.status(), payload);
  }
}
