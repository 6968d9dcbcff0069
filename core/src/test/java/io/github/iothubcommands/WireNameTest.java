package io.github.iothubcommands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WireNameTest {

  @Test
  void aNameWithoutSeparatorBelongsToTheDefaultComponent() {
    WireName w = WireName.parse("reboot");
    assertThat(w.component()).isEmpty();
    assertThat(w.name()).isEqualTo("reboot");
    assertThat(w).hasToString("reboot");
  }

  @Test
  void theSeparatorSplitsComponentFromName() {
    WireName w = WireName.parse("thermostat1*getMaxMinReport");
    assertThat(w.component()).contains("thermostat1");
    assertThat(w.name()).isEqualTo("getMaxMinReport");
    assertThat(w).hasToString("thermostat1*getMaxMinReport").isEqualTo(WireName.of("thermostat1", "getMaxMinReport"));
  }

  @Test
  void parsingWhatACommandWritesGivesItsComponentAndNameBack() {
    Command plain = Command.named("reboot").build();
    Command inComponent = Command.named("setTarget").component("thermostat_2").build();
    for (Command c : new Command[] {plain, inComponent}) {
      WireName w = WireName.parse(c.wireName());
      assertThat(w.name()).isEqualTo(c.name());
      assertThat(w.component()).isEqualTo(c.component());
      assertThat(w).isEqualTo(WireName.of(c)).hasToString(c.wireName());
    }
  }

  @Test
  void aBadComponentIsNamedInTheMessage() {
    assertThatThrownBy(() -> WireName.parse("1thermostat*reboot"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("wireName component must be a DTDL name")
        .hasMessageContaining("'1thermostat'");
    assertThatThrownBy(() -> WireName.parse("*reboot"))
        .hasMessage("wireName component must not be blank, but was ''");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a*b*c", "a*", "a*b c", "a*b/c"})
  void aBadNameAfterTheSeparatorIsRefused(String wire) {
    assertThatThrownBy(() -> WireName.parse(wire))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("wireName name must");
  }

  @Test
  void aBadNameWithoutComponentIsRefused() {
    assertThatThrownBy(() -> WireName.parse("re$boot"))
        .hasMessage("wireName must not contain any of /?#+*$, but was character '$' at index 2 in 're$boot'");
    assertThatThrownBy(() -> WireName.parse("")).hasMessage("wireName must not be blank, but was ''");
    assertThatThrownBy(() -> WireName.parse(null)).hasMessage("wireName must not be null");
  }

  @Test
  void ofChecksItsPartsByTheSameRules() {
    assertThat(WireName.of(null, "ping")).isEqualTo(WireName.parse("ping"));
    assertThatThrownBy(() -> WireName.of("bad-component", "ping"))
        .hasMessageStartingWith("component must be a DTDL name");
    assertThatThrownBy(() -> WireName.of(null, "a*b")).hasMessageStartingWith("name must not contain any of");
  }

  @Test
  void refusesTopicCharactersControlCharactersAndOverlongNames() {
    for (String bad : new String[] {"a#b", "a+b", "a/b", "a?b", "a\u0000b", "a b", "a$b"}) {
      assertThatThrownBy(() -> WireName.parse(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("wireName");
    }
    assertThatThrownBy(() -> WireName.parse("x".repeat(70_000)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("wireName must be at most 128 characters, but was 70000 characters");
  }
}
