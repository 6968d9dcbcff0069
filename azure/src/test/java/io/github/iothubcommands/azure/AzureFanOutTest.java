package io.github.iothubcommands.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.AzureSasCredential;
import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.CloudToDevice;
import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.FanOut;
import io.github.iothubcommands.FanOutRateChange;
import io.github.iothubcommands.FanOutResult;
import io.github.iothubcommands.FanOutSummary;
import io.github.iothubcommands.emulator.IotHubEmulator;
import io.github.iothubcommands.engine.HubLimits;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A fan-out through the real service SDK to the emulator: the hub's AMQP refusals of throttled sends reach
 * the fan-out as 429s, it slows down and resends, and every device ends with its message queued.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AzureFanOutTest {

  @Test
  void aFanOutFasterThanTheHubIsThrottledSlowsDownAndResendsUntilEveryDeviceIsServed() throws Exception {
    List<String> devices = IntStream.range(0, 40).mapToObj(i -> "fan-" + i).toList();
    // 20 sends a second with a half-second burst; the fan-out is told it may send twice that
    HubLimits limits = HubLimits.custom().cloudToDeviceSendsPerSecond(20).throttleBurst(Duration.ofMillis(500))
        .build();
    try (IotHubEmulator hub = IotHubEmulator.builder().hubName("azure-fan-out")
        .devices(devices).limits(limits).start();
        CommandClient client = CommandClient.builder().transport(AzureHubTransport.builder()
            .credential(hub.httpsHost(), new AzureSasCredential(hub.serviceSasToken()))
            .sslContext(hub.sslContext()).build()).build()) {
      List<FanOutResult> results = new CopyOnWriteArrayList<>();
      List<FanOutRateChange> changes = new CopyOnWriteArrayList<>();
      CloudToDevice noAck = CloudToDevice.custom().acknowledgement(Acknowledgement.NONE).build();

      FanOutSummary summary = client.fanOut(FanOut.to(devices)
          .command(Command.named("setTarget").id("set-40").rawJsonPayload("{\"c\":40}").build(), noAck)
          .ratePerSecond(40).concurrency(10).onResult(results::add).onRateChange(changes::add).build())
          .summary().get(60, TimeUnit.SECONDS);

      assertThat(summary.end()).isEqualTo(FanOutSummary.End.COMPLETED);
      assertThat(summary.succeeded()).isEqualTo(devices.size());
      assertThat(summary.throttled()).isPositive();
      assertThat(changes).first().satisfies(c -> {
        assertThat(c.reason()).isEqualTo(FanOutRateChange.Reason.THROTTLED);
        assertThat(c.toPerSecond()).isLessThan(c.fromPerSecond());
      });
      assertThat(results).hasSize(devices.size())
          .allSatisfy(r -> assertThat(r.outcome().orElseThrow().status()).isEqualTo(CommandStatus.ACCEPTED))
          .anySatisfy(r -> assertThat(r.attempts()).isGreaterThan(1));
      for (String d : devices) {
        assertThat(hub.engine().device(d).orElseThrow().cloudToDeviceMessageCount()).as(d).isEqualTo(1);
      }
    }
  }
}
