package io.github.iothubcommands.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubcommands.examples.Demo.Mode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the demo picks its hub; nothing here runs it (no test ever reaches a real hub). */
class DemoModeTest {
  static final String CONNECTION_STRING = "HostName=example.azure-devices.net;SharedAccessKeyName=iothubowner;"
      + "SharedAccessKey=AAAA";

  @Test
  void withoutArgumentOrConnectionStringTheDemoRunsInMemory() {
    assertThat(Mode.select(List.of(), null)).isEqualTo(Mode.IN_MEMORY);
    assertThat(Mode.select(List.of(), " ")).as("a blank variable is unset").isEqualTo(Mode.IN_MEMORY);
  }

  @Test
  void theEmulatorArgumentWinsOverAConnectionString() {
    assertThat(Mode.select(List.of("--emulator"), null)).isEqualTo(Mode.EMULATOR);
    assertThat(Mode.select(List.of("--emulator"), CONNECTION_STRING)).isEqualTo(Mode.EMULATOR);
  }

  @Test
  void aConnectionStringSelectsTheRealHub() {
    assertThat(Mode.select(List.of(), CONNECTION_STRING)).isEqualTo(Mode.REAL_HUB);
  }

  @Test
  void anUnknownArgumentIsRefusedByName() {
    assertThatThrownBy(() -> Mode.select(List.of("--emulater"), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'--emulater'");
  }

  @Test
  void theTestsCannotSeeAConnectionString() {
    assertThat(System.getenv(Demo.CONNECTION_STRING_VARIABLE)).as("surefire keeps the variable from tests").isNull();
  }
}
