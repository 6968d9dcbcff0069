package io.github.iothubcommands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MethodNameTest {

  @Test
  void acceptsEveryWireNameACommandCanHave() {
    Command plain = Command.named("reboot").build();
    Command component = Command.named("setTarget").component("thermostat1").build();
    assertThat(MethodName.requireValid(plain.wireName())).isEqualTo("reboot");
    assertThat(MethodName.requireValid(component.wireName())).isEqualTo("thermostat1*setTarget");
  }

  @Test
  void refusesTopicCharactersControlCharactersAndOverlongNamesWithTheRuleAndTheValue() {
    for (String bad : new String[] {"a#b", "a+b", "a/b", "a?b", "a\u0000b", "a b", "a$b"}) {
      assertThatThrownBy(() -> MethodName.requireValid(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("methodName");
    }
    assertThatThrownBy(() -> MethodName.requireValid("x".repeat(70_000)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("methodName must be at most 128 characters, but was 70000 characters");
    assertThatThrownBy(() -> MethodName.requireValid("a/b"))
        .hasMessage("methodName must not contain any of /?#+*$, but was character '/' at index 1 in 'a/b'");
  }

  @Test
  void checksBothSidesOfAComponentName() {
    assertThatThrownBy(() -> MethodName.requireValid("1comp*run"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("methodName's component");
    assertThatThrownBy(() -> MethodName.requireValid("comp*run*twice"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("methodName's name");
    assertThatThrownBy(() -> MethodName.requireValid("comp*"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("methodName's name");
  }
}
