package io.github.iothubcommands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DeviceIdTest {

  @Test
  void acceptsWhatTheClientAcceptsAndRefusesWithTheSameMessage() {
    assertThat(DeviceId.requireValid("pump-3.a+b")).isEqualTo("pump-3.a+b");
    assertThatThrownBy(() -> DeviceId.requireValid("pump/3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("deviceId must contain only ASCII letters, digits and -.+%_#*?!(),:=@$', "
            + "but was character '/' at index 4 in 'pump/3'");
  }
}
