package io.github.iothubcommands.device.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import io.github.iothubcommands.Command;
import io.github.iothubcommands.device.CommandReply;
import io.github.iothubcommands.device.CommandReply.Disposition;
import io.github.iothubcommands.device.IncomingCommand;
import io.github.iothubcommands.device.IncomingCommand.Mechanism;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** From the device SDK's messages to incoming commands, and from replies back to the SDK's answers. */
class SdkMessagesTest {

  private static Message message(String body) {
    Message m = new Message(body.getBytes(StandardCharsets.UTF_8));
    m.setMessageId("cmd-1");
    return m;
  }

  @Test
  void aMessageCarriesItsNameInTheCommandNamePropertyAndItsIdInTheMessageId() {
    Message m = message("{\"ml\":250}");
    m.setProperty(Command.NAME_PROPERTY, "pump1*dispense");
    m.setProperty("batch", "7");
    SdkMessages.Arrival a = SdkMessages.fromMessage(m, "vending-3");
    IncomingCommand c = a.command();
    assertThat(c).isNotNull();
    assertThat(c.mechanism()).isEqualTo(Mechanism.CLOUD_TO_DEVICE);
    assertThat(c.component()).contains("pump1");
    assertThat(c.name()).isEqualTo("dispense");
    assertThat(c.commandId()).isEqualTo("cmd-1");
    assertThat(c.deviceId()).contains("vending-3");
    assertThat(c.properties()).containsExactly(Map.entry("batch", "7"));
    assertThat(c.isJson()).isTrue();
    assertThat(c.payloadAsJson().get("ml").asInt()).isEqualTo(250);
    assertThat(a.key()).isEqualTo(CommandKey.commandId("cmd-1"));
  }

  @Test
  void withoutContentTypeTheBytesDecideBetweenJsonAndOctets() {
    assertThat(SdkMessages.contentType(null, "[1,2]".getBytes(StandardCharsets.UTF_8))).isEqualTo(Command.JSON);
    assertThat(SdkMessages.contentType(null, new byte[] {(byte) 0xff, 0})).isEqualTo(IncomingCommand.OCTET_STREAM);
    assertThat(SdkMessages.contentType(null, new byte[0])).isEqualTo(IncomingCommand.OCTET_STREAM);
    assertThat(SdkMessages.contentType("text/plain", "1".getBytes(StandardCharsets.UTF_8))).isEqualTo("text/plain");
    assertThat(SdkMessages.contentType(IncomingCommand.OCTET_STREAM, "{}".getBytes(StandardCharsets.UTF_8)))
        .as("the generic type the hub side fills in when none was set").isEqualTo(Command.JSON);
  }

  @Test
  void aMessageWithoutAValidNameIsNotACommand() {
    Message unnamed = message("1");
    assertThat(SdkMessages.fromMessage(unnamed, "d").command()).isNull();
    Message badName = message("1");
    badName.setProperty(Command.NAME_PROPERTY, "a*b*c");
    SdkMessages.Arrival a = SdkMessages.fromMessage(badName, "d");
    assertThat(a.command()).isNull();
    assertThat(a.claimedName()).isEqualTo("a*b*c");
    assertThat(a.key().dedupes()).isFalse();
  }

  @Test
  void aMessageWithoutMessageIdIsNeverADuplicate() {
    Message m = new Message("1");
    m.setMessageId(""); // the SDK gives every Message a random id; a blank one is none
    m.setProperty(Command.NAME_PROPERTY, "x");
    SdkMessages.Arrival a = SdkMessages.fromMessage(m, "d");
    assertThat(a.key()).isEqualTo(CommandKey.none());
    assertThat(a.command().commandId()).isNotBlank();
  }

  @Test
  void aMethodIsKnownByTheSdksRequestIdInItsOwnNamespace() {
    SdkMessages.Arrival a = SdkMessages.fromMethod("reboot", "{\"delay\":5}", "7", "d");
    assertThat(a.command().commandId()).isEqualTo("7");
    assertThat(a.command().isJson()).isTrue();
    assertThat(a.key()).isEqualTo(CommandKey.methodRequest("7")).isNotEqualTo(CommandKey.commandId("7"));
    assertThat(SdkMessages.fromMethod("reboot", null, null, "d").key().dedupes()).isFalse();
    assertThat(SdkMessages.fromMethod("reboot", null, null, "d").command().payloadAsString()).isEqualTo("null");
  }

  @Test
  void aMethodCarryingItsCommandIdIsKnownByItAndItsPayloadLosesTheMember() {
    SdkMessages.Arrival a = SdkMessages.fromMethod("reboot", "{\"$commandId\":\"c-1\",\"delay\":5}", "7", "d");
    assertThat(a.command().commandId()).isEqualTo("c-1");
    assertThat(a.key()).isEqualTo(CommandKey.commandId("c-1"));
    assertThat(a.command().payloadAsString()).isEqualTo("{\"delay\":5}");
    SdkMessages.Arrival onlyId = SdkMessages.fromMethod("reboot", "{\"$commandId\":\"c-2\"}", "8", "d");
    assertThat(onlyId.command().payloadAsString()).as("a null payload sent with its id").isEqualTo("{}");
    SdkMessages.Arrival notText = SdkMessages.fromMethod("reboot", "{\"$commandId\":5}", "9", "d");
    assertThat(notText.key()).isEqualTo(CommandKey.methodRequest("9"));
  }

  @Test
  void aMessageIsKnownByItsCommandIdPropertyWhichTheHandlerDoesNotSee() {
    Message m = message("{}");
    m.setMessageId("m-1");
    m.setProperty(Command.NAME_PROPERTY, "x");
    m.setProperty(Command.ID_PROPERTY, "c-1");
    m.setProperty("batch", "7");
    SdkMessages.Arrival a = SdkMessages.fromMessage(m, "d");
    assertThat(a.command().commandId()).isEqualTo("c-1");
    assertThat(a.key()).isEqualTo(CommandKey.commandId("c-1"));
    assertThat(a.command().properties()).containsExactly(Map.entry("batch", "7"));
  }

  @Test
  void dispositionsMapToTheSdksMessageResults() {
    assertThat(SdkMessages.result(CommandReply.ok())).isEqualTo(IotHubMessageResult.COMPLETE);
    assertThat(SdkMessages.result(CommandReply.reject())).isEqualTo(IotHubMessageResult.REJECT);
    assertThat(SdkMessages.result(CommandReply.abandon())).isEqualTo(IotHubMessageResult.ABANDON);
    assertThat(SdkMessages.result(CommandReply.ok().withDisposition(Disposition.REJECT)))
        .isEqualTo(IotHubMessageResult.REJECT);
  }

  @Test
  void aMethodResponseCarriesTheStatusAndTheJsonAsAGsonTree() {
    DirectMethodResponse r = SdkMessages.response(CommandReply.of(202, Map.of("queued", true)));
    assertThat(r.getStatus()).isEqualTo(202);
    assertThat(r.getPayload()).isInstanceOfSatisfying(JsonObject.class,
        o -> assertThat(o.get("queued").getAsBoolean()).isTrue());
  }
}
