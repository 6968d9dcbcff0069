package io.github.iothubcommands.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubcommands.CommandStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class DemoTest {

  @Test
  @Timeout(30)
  void demoShowsEveryCaseWithItsExpectedOutcome() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<Demo.Row> rows = Demo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertThat(rows).extracting(r -> r.outcome().status()).containsExactly(
        CommandStatus.SUCCEEDED, CommandStatus.DEVICE_OFFLINE, CommandStatus.SUCCEEDED,
        CommandStatus.DELIVERED, CommandStatus.EXPIRED, CommandStatus.REJECTED,
        CommandStatus.DELIVERED, CommandStatus.SUCCEEDED, CommandStatus.SUCCEEDED);
    assertThat(rows.get(1).millis()).as("offline with 0 s connect timeout fails fast").isLessThan(1000);
    assertThat(rows.get(2).millis()).as("waited for the device to connect").isGreaterThanOrEqualTo(1900);
    String table = bytes.toString(StandardCharsets.UTF_8);
    assertThat(table).contains("DEVICE_OFFLINE").contains("all 3 steps succeeded");
  }
}
