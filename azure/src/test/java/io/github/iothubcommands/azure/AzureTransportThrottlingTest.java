package io.github.iothubcommands.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.CloudToDevice;
import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandHandle;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.HubError;
import io.github.iothubcommands.HubTier;
import io.github.iothubcommands.emulator.IotHubEmulator;
import io.github.iothubcommands.engine.HubLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Past the hub's quota, both mechanisms end THROTTLED through the real service SDK, as the hub reports it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AzureTransportThrottlingTest {

  @Test
  void bothMechanismsReportThrottlingAsThrottled() throws Exception {
    // One S1 unit with a one-second burst (1.67 C2D sends), and method traffic cut to one small call a second.
    HubLimits limits = HubLimits.custom().tier(HubTier.S1, 1).methodBytesPerSecond(4096)
        .throttleBurst(Duration.ofSeconds(1)).build();
    try (IotHubEmulator hub = IotHubEmulator.builder().hubName("azure-throttle").devices("d1").limits(limits)
        .start()) {
      HttpsURLConnection.setDefaultSSLSocketFactory(hub.sslContext().getSocketFactory());
      DeviceClient device = new DeviceClient(hub.deviceConnectionString("d1"), IotHubClientProtocol.MQTT,
          ClientOptions.builder().sslContext(hub.sslContext()).build());
      try (CommandClient client = CommandClient.builder().transport(AzureHubTransport.builder()
          .credential(hub.httpsHost(), new AzureSasCredential(hub.serviceSasToken()))
          .sslContext(hub.sslContext()).build()).build()) {
        device.open(false);
        device.subscribeToMethods((name, payload, ctx) -> new DirectMethodResponse(200, null), null);

        CloudToDevice noAck = CloudToDevice.custom().acknowledgement(Acknowledgement.NONE).build();
        client.send("d1", Command.named("warm-up").build(), noAck); // opens the link; may itself be throttled
        // The bucket holds 1.67 sends and refills at 1.67/s: of three sends in a row, one must be refused.
        List<CommandHandle> burst = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          burst.add(client.sendAsync("d1", Command.named("burst").build(), noAck));
        }
        List<CommandOutcome> outcomes = new ArrayList<>();
        for (CommandHandle h : burst) {
          outcomes.add(h.outcome().get(30, TimeUnit.SECONDS));
        }
        assertThat(outcomes).anySatisfy(o -> {
          assertThat(o.status()).isEqualTo(CommandStatus.FAILED);
          assertThat(o.hubError()).contains(HubError.THROTTLED);
        });

        CommandOutcome method = null;
        for (int i = 0; i < 3 && (method == null || method.status() == CommandStatus.SUCCEEDED); i++) {
          method = client.send("d1", Command.named("ping").build(), DeliveryStrategy.directMethod());
        }
        assertThat(method.status()).isEqualTo(CommandStatus.FAILED);
        assertThat(method.hubError()).contains(HubError.THROTTLED);
      } finally {
        device.close();
      }
    }
  }
}
