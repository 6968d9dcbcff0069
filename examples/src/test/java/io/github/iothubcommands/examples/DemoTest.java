package io.github.iothubcommands.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.FanOutSummary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

  @Test
  @Timeout(60)
  void demoFansOutToAThousandDevicesWithinTheQuotaWithALiveProgressLine() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    FanOutSummary summary = DemoFanOut.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertThat(summary.end()).isEqualTo(FanOutSummary.End.COMPLETED);
    assertThat(summary.started()).isEqualTo(1000);
    assertThat(summary.failed()).isEqualTo(1000 / DemoFanOut.OFFLINE_EVERY);
    assertThat(summary.succeeded()).isEqualTo(1000 - 1000 / DemoFanOut.OFFLINE_EVERY);
    assertThat(summary.throttled()).isZero();
    // 400 calls/s: no faster than the quota allows
    assertThat(summary.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(2490));
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("Fan-out: setTarget to 1,000 simulated devices").contains("\r  ")
        .contains("1,000/1,000 done (980 succeeded, 20 failed, 0 cancelled), 0 in flight")
        .contains("Fan-out completed in");
  }
}
