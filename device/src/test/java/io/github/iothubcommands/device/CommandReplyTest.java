package io.github.iothubcommands.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubcommands.device.CommandReply.Disposition;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandReplyTest {

  @ParameterizedTest
  @CsvSource({"200, COMPLETE", "204, COMPLETE", "299, COMPLETE", "300, REJECT", "400, REJECT", "404, REJECT",
      "499, REJECT", "500, ABANDON", "503, ABANDON", "599, ABANDON", "600, REJECT", "-1, REJECT"})
  void theDispositionFollowsFromTheStatus(int status, Disposition expected) {
    assertThat(CommandReply.of(status, null).disposition()).isEqualTo(expected);
  }

  @Test
  void factoriesGiveTheDocumentedStatusesAndDispositions() {
    assertThat(CommandReply.ok()).extracting(CommandReply::status, CommandReply::payloadJson, CommandReply::disposition)
        .containsExactly(200, "null", Disposition.COMPLETE);
    assertThat(CommandReply.ok(Map.of("a", 1)).payloadJson()).isEqualTo("{\"a\":1}");
    assertThat(CommandReply.reject()).extracting(CommandReply::status, CommandReply::disposition)
        .containsExactly(400, Disposition.REJECT);
    assertThat(CommandReply.abandon()).extracting(CommandReply::status, CommandReply::disposition)
        .containsExactly(503, Disposition.ABANDON);
    assertThat(CommandReply.ofJson(201, "[1, 2]").payloadJson()).isEqualTo("[1, 2]");
  }

  @Test
  void withDispositionOverridesTheRule() {
    CommandReply r = CommandReply.of(501, null).withDisposition(Disposition.REJECT);
    assertThat(r.status()).isEqualTo(501);
    assertThat(r.disposition()).isEqualTo(Disposition.REJECT);
    assertThatThrownBy(() -> r.withDisposition(null)).hasMessage("disposition must not be null");
  }

  @Test
  void badJsonIsRefusedAtOnce() {
    assertThatThrownBy(() -> CommandReply.ofJson(200, "{\"a\":"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("json must be one well-formed JSON value, but was not (5 characters)");
    assertThatThrownBy(() -> CommandReply.ofJson(200, null)).hasMessage("json must not be null");
    assertThatThrownBy(() -> CommandReply.ok(new Object()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("payload must be serializable to JSON by Jackson, but java.lang.Object failed");
  }

  @Test
  void equalityIsByValueAndToStringHidesThePayload() {
    assertThat(CommandReply.ok("secret")).isEqualTo(CommandReply.ok("secret")).hasSameHashCodeAs(CommandReply.ok("secret"))
        .isNotEqualTo(CommandReply.ok("other"));
    assertThat(CommandReply.ok("secret").toString()).doesNotContain("secret").contains("status=200");
  }
}
