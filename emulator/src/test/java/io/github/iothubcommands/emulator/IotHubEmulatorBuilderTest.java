package io.github.iothubcommands.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 5, unit = TimeUnit.SECONDS)
class IotHubEmulatorBuilderTest {

  @Test
  void portOutOfRangeIsRefusedNamingFieldRuleAndValue() {
    assertThatThrownBy(() -> IotHubEmulator.builder().httpsPort(70000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("httpsPort must be between 0 and 65535, but was 70000");
    assertThatThrownBy(() -> IotHubEmulator.builder().mqttPort(-1))
        .hasMessage("mqttPort must be between 0 and 65535, but was -1");
  }

  @Test
  void badDeviceIdIsRefusedNamingFieldRuleAndValue() {
    assertThatThrownBy(() -> IotHubEmulator.builder().devices("ok", "has space"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("deviceId must be 1 to 128 characters")
        .hasMessageEndingWith("but was 'has space'");
    assertThatThrownBy(() -> IotHubEmulator.builder().devices("")).hasMessageEndingWith("but was ''");
    assertThatThrownBy(() -> IotHubEmulator.builder().devices("x".repeat(129)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(IotHubEmulator.builder().devices("a+b%c", "x".repeat(128), "-.+%_#*?!(),:=@$'")).isNotNull();
  }

  @Test
  void badHubNameIsRefusedNamingFieldRuleAndValue() {
    assertThatThrownBy(() -> IotHubEmulator.builder().hubName("-x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("hubName must be 3 to 50 letters, digits and hyphens, not starting or ending with a hyphen,"
            + " but was '-x'");
  }

  @Test
  void timeoutThatIsNotPositiveOrPastAnHourIsRefusedNamingFieldRuleAndValue() {
    assertThatThrownBy(() -> IotHubEmulator.builder().handshakeTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("handshakeTimeout must be more than 0 and at most 1 h, but was PT0S");
    assertThatThrownBy(() -> IotHubEmulator.builder().requestTimeout(Duration.ofSeconds(-1)))
        .hasMessage("requestTimeout must be more than 0 and at most 1 h, but was PT-1S");
    assertThatThrownBy(() -> IotHubEmulator.builder().idleTimeout(Duration.ofHours(2)))
        .hasMessage("idleTimeout must be more than 0 and at most 1 h, but was PT2H");
    assertThat(IotHubEmulator.builder().handshakeTimeout(Duration.ofMillis(1)).idleTimeout(Duration.ofHours(1)))
        .isNotNull();
  }

  @Test
  void aDeviceWithKeysOfItsOwnIsRefusedForAKeyThatIsNotOneWithoutShowingIt() {
    String sevenBytes = java.util.Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4, 5, 6, 7});
    assertThatThrownBy(() -> IotHubEmulator.builder().device("d1", sevenBytes, null, true))
        .hasMessage("primaryKey must be base64 of 16 to 64 bytes, but was 7 bytes");
    assertThatThrownBy(() -> IotHubEmulator.builder().device("d1", null, "not base64!", true))
        .hasMessage("secondaryKey must be base64 of 16 to 64 bytes, but is not base64");
    assertThatThrownBy(() -> IotHubEmulator.builder().device("a b", null, null, true))
        .hasMessageEndingWith("but was 'a b'");
    assertThat(IotHubEmulator.builder().device("d1", null, null, false)).isNotNull();
  }
}
