package io.github.iothubcommands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandTest {

  @Test
  void generatesUniqueIdsUnlessSupplied() {
    Command a = Command.named("reboot").build();
    Command b = Command.named("reboot").build();
    assertThat(a.id()).isNotEqualTo(b.id());
    assertThat(Command.named("reboot").id("op-42").build().id()).isEqualTo("op-42");
  }

  @Test
  void jsonPayloadIsSerializedWithJackson() {
    Command c = Command.named("setTarget").jsonPayload(Map.of("celsius", 21)).build();
    assertThat(c.payloadAsString()).isEqualTo("{\"celsius\":21}");
    assertThat(c.contentType()).isEqualTo(Command.JSON);
    assertThat(c.isJson()).isTrue();
  }

  @Test
  void defaultPayloadIsJsonNull() {
    assertThat(Command.named("ping").build().payloadAsString()).isEqualTo("null");
  }

  @Test
  void rawJsonIsCheckedForWellFormedness() {
    assertThat(Command.named("x").rawJsonPayload("[1,2]").build().payloadAsString()).isEqualTo("[1,2]");
    assertThatThrownBy(() -> Command.named("x").rawJsonPayload("{\"a\":"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("payload must be well-formed JSON");
    assertThatThrownBy(() -> Command.named("x").rawJsonPayload("1 2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("payload must be well-formed JSON");
  }

  @Test
  void bytesPayloadKeepsContentTypeAndIsCopied() {
    byte[] bytes = {1, 2, 3};
    Command c = Command.named("firmware").payload(bytes, "application/octet-stream").build();
    bytes[0] = 9;
    assertThat(c.payload()).containsExactly(1, 2, 3);
    assertThat(c.isJson()).isFalse();
    c.payload()[1] = 7;
    assertThat(c.payload()).containsExactly(1, 2, 3);
  }

  @Test
  void bytesDeclaredAsJsonMustBeJson() {
    assertThatThrownBy(() -> Command.named("x").payload("nope".getBytes(StandardCharsets.UTF_8), Command.JSON))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("payload must be well-formed JSON");
  }

  @Test
  void componentGivesStarSeparatedWireName() {
    Command c = Command.named("getMaxMinReport").component("thermostat1").build();
    assertThat(c.wireName()).isEqualTo("thermostat1*getMaxMinReport");
    assertThat(c.component()).contains("thermostat1");
    assertThat(Command.named("reboot").build().wireName()).isEqualTo("reboot");
  }

  @Test
  void namesAreValidatedWithFieldRuleAndValue() {
    assertThatThrownBy(() -> Command.named(" "))
        .hasMessage("name must not be blank, but was ' '");
    assertThatThrownBy(() -> Command.named("a/b"))
        .hasMessage("name must not contain any of /?#+*$, but was character '/' at index 1 in 'a/b'");
    assertThatThrownBy(() -> Command.named("re boot"))
        .hasMessageStartingWith("name must contain only printable ASCII characters without whitespace");
    assertThatThrownBy(() -> Command.named("x".repeat(129)))
        .hasMessageStartingWith("name must be at most 128 characters, but was 129 characters");
    assertThatThrownBy(() -> Command.named(null))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("name must not be null");
  }

  @Test
  void componentMustBeDtdlName() {
    assertThatThrownBy(() -> Command.named("x").component("1thermostat"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("component must be a DTDL name")
        .hasMessageContaining("'1thermostat'");
    assertThatThrownBy(() -> Command.named("x").component("thermostat_"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void reservedPropertyKeysAreRefused() {
    assertThatThrownBy(() -> Command.named("x").property("iothub-ack", "full"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("property key must not start with 'iothub-' or '$'");
    assertThatThrownBy(() -> Command.named("x").property("$.mid", "1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Command.named("x").property(Command.NAME_PROPERTY, "other"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("property key must not be 'command-name' (it carries the command's name)");
    assertThatThrownBy(() -> Command.named("x").property("k", null))
        .hasMessage("property value must not be null");
  }

  @Test
  void toStringShowsNoPayloadOrPropertyValues() {
    Command c = Command.named("login").jsonPayload(Map.of("password", "hunter2"))
        .property("token", "s3cret").build();
    assertThat(c.toString()).doesNotContain("hunter2").doesNotContain("s3cret").contains("login").contains("token");
  }

  @Test
  void toBuilderRoundTripsAndEqualsComparesValues() {
    Command c = Command.named("x").component("c1").jsonPayload(1).property("k", "v").build();
    assertThat(c.toBuilder().build()).isEqualTo(c).hasSameHashCodeAs(c);
    assertThat(c.toBuilder().property("k2", "v").build()).isNotEqualTo(c);
  }
}
