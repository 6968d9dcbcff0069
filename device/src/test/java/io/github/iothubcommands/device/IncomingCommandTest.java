package io.github.iothubcommands.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.device.IncomingCommand.Mechanism;
import org.junit.jupiter.api.Test;

class IncomingCommandTest {
  record Target(int celsius) {}

  @Test
  void aHandlerCanBeTestedWithABuiltCommand() throws Exception {
    CommandHandler handler = c -> CommandReply.ok(c.payloadAs(Target.class).celsius() + 1);
    IncomingCommand c = IncomingCommand.builder(Mechanism.METHOD, "setTarget").jsonPayload("{\"celsius\":21}").build();
    assertThat(handler.handle(c).payloadJson()).isEqualTo("22");
    assertThat(c.commandId()).as("random unless set").isNotBlank();
  }

  @Test
  void theWireNameIsParsedByCoresRule() {
    IncomingCommand c = IncomingCommand.builder(Mechanism.CLOUD_TO_DEVICE, "lamp2*on").build();
    assertThat(c.component()).contains("lamp2");
    assertThat(c.name()).isEqualTo("on");
    assertThat(c.wireName()).hasToString("lamp2*on");
    assertThatThrownBy(() -> IncomingCommand.builder(Mechanism.METHOD, "2lamp*on"))
        .hasMessageStartingWith("wireName component must be a DTDL name");
  }

  @Test
  void bytesAreNotJson() {
    IncomingCommand c = IncomingCommand.builder(Mechanism.CLOUD_TO_DEVICE, "flash")
        .payload(new byte[] {1, 2}, IncomingCommand.OCTET_STREAM).build();
    assertThat(c.isJson()).isFalse();
    assertThat(c.payload()).containsExactly(1, 2);
    assertThatThrownBy(c::payloadAsJson).isInstanceOf(IllegalStateException.class)
        .hasMessage("the payload of flash is not JSON (content type application/octet-stream, 2 bytes)");
  }

  @Test
  void theDefaultPayloadIsJsonNull() {
    IncomingCommand c = IncomingCommand.builder(Mechanism.METHOD, "ping").build();
    assertThat(c.contentType()).isEqualTo(Command.JSON);
    assertThat(c.payloadAsJson().isNull()).isTrue();
  }

  @Test
  void toStringShowsNoPayloadOrPropertyValues() {
    IncomingCommand c = IncomingCommand.builder(Mechanism.CLOUD_TO_DEVICE, "unlock").commandId("u-1")
        .jsonPayload("\"pin-1234\"").property("door", "vault").build();
    assertThat(c.toString()).contains("unlock", "u-1", "[door]").doesNotContain("pin-1234", "vault");
  }

  @Test
  void payloadsAreCopied() {
    byte[] bytes = {1};
    IncomingCommand c = IncomingCommand.builder(Mechanism.CLOUD_TO_DEVICE, "x").payload(bytes, "a/b").build();
    bytes[0] = 9;
    c.payload()[0] = 8;
    assertThat(c.payload()).containsExactly(1);
  }
}
