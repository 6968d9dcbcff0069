package io.github.iothubcommands.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.emulator.IotHubEmulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo's real path end to end on loopback: an emulator in this JVM, the Azure transport and the
 * registry on the service side, {@code DeviceClient}s over AMQPS with dispatchers on the device side.
 */
class DemoOnEmulatorTest {

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void theRealPathOnTheEmulatorShowsEveryCaseWithItsExpectedOutcomeAndDeletesItsDevices() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ByteArrayOutputStream logged = new ByteArrayOutputStream();
    SSLSocketFactory defaultFactory = HttpsURLConnection.getDefaultSSLSocketFactory();
    PrintStream stderr = System.err;
    List<Demo.Row> rows;
    String token;
    try (IotHubEmulator hub = Demo.startEmulator()) {
      token = hub.serviceSasToken();
      System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8)); // logback's console appender too
      try {
        rows = Demo.runOnEmulator(hub, new PrintStream(bytes, true, StandardCharsets.UTF_8));
      } finally {
        System.setErr(stderr);
      }
      assertThat(hub.engine().devices()).as("the run's devices are deleted").isEmpty();
    }

    assertThat(rows).extracting(r -> r.outcome().status()).containsExactly(
        CommandStatus.SUCCEEDED, CommandStatus.DEVICE_OFFLINE, CommandStatus.SUCCEEDED,
        CommandStatus.DELIVERED, CommandStatus.EXPIRED, CommandStatus.REJECTED,
        CommandStatus.DELIVERED, CommandStatus.SUCCEEDED, CommandStatus.SUCCEEDED);
    assertThat(rows).extracting(r -> r.outcome().inferred()).containsOnly(false);
    assertThat(rows.get(0).outcome().methodResponse().orElseThrow().payloadJson()).isEqualTo("{\"target\":21}");
    assertThat(rows.get(1).millis()).as("offline with 0 s connect timeout fails fast").isLessThan(1000);
    assertThat(rows.get(2).millis()).as("waited for the device to connect").isGreaterThanOrEqualTo(1900);
    assertThat(rows.get(8).outcome().methodResponse().orElseThrow().status()).isEqualTo(202);
    String prefix = rows.get(0).outcome().deviceId().replace("thermostat-1", "");
    assertThat(prefix).matches("demo-[0-9a-f]{6}-");
    assertThat(rows).extracting(r -> r.outcome().deviceId()).allMatch(id -> id.startsWith(prefix));

    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out).startsWith("Mode: emulator")
        .contains("Created 6 devices " + prefix + "*")
        .contains("all 3 steps succeeded")
        .endsWith("Deleted 6 of 6 devices " + prefix + "* from the hub's registry." + System.lineSeparator());
    for (String printed : List.of(out, logged.toString(StandardCharsets.UTF_8))) {
      assertThat(printed).doesNotContain(token).doesNotContain("SharedAccessKey").doesNotContain("sig=")
          .doesNotContain("SharedAccessSignature");
    }
    assertThat(HttpsURLConnection.getDefaultSSLSocketFactory()).as("the JVM default is put back")
        .isSameAs(defaultFactory);
  }

  @Test
  void runsOfTheDemoNeverShareDevices() {
    // Two prefixes from two runs: the random part is 24 bits, so a clash is one in 16 million.
    assertThat(RealHubDemo.runPrefix()).isNotEqualTo(RealHubDemo.runPrefix()).matches("demo-[0-9a-f]{6}-");
  }
}
