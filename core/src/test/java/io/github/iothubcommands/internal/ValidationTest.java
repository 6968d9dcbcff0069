package io.github.iothubcommands.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValidationTest {

  @ParameterizedTest
  @ValueSource(strings = {"d1", "pump-3.building_7", "a+b%c#d*e?f!g(h)i,j:k=l@m$n'o", "X"})
  void acceptsIotHubDeviceIds(String id) {
    assertThat(Validation.deviceId(id)).isEqualTo(id);
  }

  @Test
  void deviceIdIsAtMost128Characters() {
    assertThat(Validation.deviceId("d".repeat(128))).hasSize(128);
    assertThatThrownBy(() -> Validation.deviceId("d".repeat(129)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("deviceId must be at most 128 characters, but was 129 characters ('dddd");
  }

  @Test
  void deviceIdRefusesOtherCharactersNamingThem() {
    assertThatThrownBy(() -> Validation.deviceId("pump/3"))
        .hasMessage("deviceId must contain only ASCII letters, digits and -.+%_#*?!(),:=@$', "
            + "but was character '/' at index 4 in 'pump/3'");
    assertThatThrownBy(() -> Validation.deviceId("pümp"))
        .hasMessageContaining("character U+00FC at index 1");
    assertThatThrownBy(() -> Validation.deviceId("a b")).hasMessageContaining("character ' ' at index 1");
    assertThatThrownBy(() -> Validation.deviceId("")).hasMessage("deviceId must not be blank, but was ''");
    assertThatThrownBy(() -> Validation.deviceId(null)).hasMessage("deviceId must not be null");
  }

  @Test
  void controlCharactersAreEscapedInMessages() {
    assertThatThrownBy(() -> Validation.deviceId("a\nb")).hasMessageContaining("'a\\u000ab'");
  }
}
