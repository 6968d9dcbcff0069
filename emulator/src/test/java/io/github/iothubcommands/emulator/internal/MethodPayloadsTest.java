package io.github.iothubcommands.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MethodPayloadsTest {

  static String fromDevice(String text) {
    return MethodPayloads.fromDevice(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void deviceReplyThatIsOneJsonValueStaysAsSent() {
    assertThat(fromDevice("{\"a\": [1, 2]}")).isEqualTo("{\"a\": [1, 2]}");
    assertThat(fromDevice("\"ok\"")).isEqualTo("\"ok\"");
    assertThat(fromDevice("42")).isEqualTo("42");
  }

  @Test
  void emptyDeviceReplyIsNull() {
    assertThat(fromDevice("")).isEqualTo("null");
    assertThat(fromDevice(" \n")).isEqualTo("null");
  }

  @Test
  void deviceReplyThatIsNotJsonOrHasTextAfterItsValueBecomesAJsonString() {
    assertThat(fromDevice("rebooting")).isEqualTo("\"rebooting\"");
    assertThat(fromDevice("{\"a\":1} and more")).isEqualTo("\"{\\\"a\\\":1} and more\"");
    assertThat(fromDevice("1 2")).isEqualTo("\"1 2\"");
  }

  @Test
  void parseRefusesTextAfterTheValueWithoutQuotingIt() {
    assertThat(MethodPayloads.parse("[1]").get(0).asInt()).isEqualTo(1);
    assertThatThrownBy(() -> MethodPayloads.parse("{\"key\":\"secret\"} trailing"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("body is not well-formed JSON")
        .hasMessageNotContaining("secret");
  }
}
