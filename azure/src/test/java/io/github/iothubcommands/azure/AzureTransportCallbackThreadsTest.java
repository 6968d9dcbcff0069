package io.github.iothubcommands.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.CloudToDevice;
import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.emulator.IotHubEmulator;
import io.github.iothubcommands.engine.HubLimits;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Outcomes never complete on the service SDK's own threads: code that reacts to an outcome — even code that
 * blocks, like a synchronous send — must not stall (or deadlock) the SDK's AMQP reactor.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AzureTransportCallbackThreadsTest {
  static final CloudToDevice NO_ACK = CloudToDevice.custom().acknowledgement(Acknowledgement.NONE).build();
  static IotHubEmulator hub;
  static CommandClient client;

  @BeforeAll
  static void start() {
    hub = IotHubEmulator.builder().hubName("azure-threads").devices("lamp", "quiet")
        .limits(HubLimits.custom().feedbackBatchInterval(Duration.ofMillis(200)).build()).start();
    HttpsURLConnection.setDefaultSSLSocketFactory(hub.sslContext().getSocketFactory());
    client = CommandClient.builder().transport(AzureHubTransport.builder()
        .credential(hub.httpsHost(), new AzureSasCredential(hub.serviceSasToken()))
        .sslContext(hub.sslContext()).build()).build();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (hub != null) {
      hub.close();
    }
  }

  static boolean isSdkThread(String name) {
    return name.contains("azure-iot-sdk") || name.contains("ReactorRunner");
  }

  @Test
  void aSendAcknowledgedByTheHubCompletesOffTheSdksThreads() throws Exception {
    CompletableFuture<String> thread = client.sendAsync("quiet", Command.named("note").build(), NO_ACK).outcome()
        .thenApply(o -> Thread.currentThread().getName());

    assertThat(thread.get(30, TimeUnit.SECONDS)).satisfies(name -> assertThat(isSdkThread(name))
        .as("outcome completed on %s", name).isFalse());
  }

  @Test
  void aSynchronousSendInsideAnOutcomeCallbackDoesNotDeadlockTheMessagingLink() throws Exception {
    CompletableFuture<CommandOutcome> inner = client.sendAsync("quiet", Command.named("first").build(), NO_ACK)
        .outcome()
        .thenApply(o -> client.send("quiet", Command.named("second").build(), NO_ACK)); // blocks that thread

    assertThat(inner.get(30, TimeUnit.SECONDS).status()).isEqualTo(CommandStatus.ACCEPTED);
  }

  @Test
  void feedbackCompletesOutcomesOffTheSdksThreads() throws Exception {
    DeviceClient device = new DeviceClient(hub.deviceConnectionString("lamp"), IotHubClientProtocol.MQTT,
        ClientOptions.builder().sslContext(hub.sslContext()).build());
    device.setMessageCallback((m, ctx) -> IotHubMessageResult.COMPLETE, null);
    try {
      device.open(false);
      CompletableFuture<String> thread = client.sendAsync("lamp", Command.named("on").build(),
          CloudToDevice.custom().acknowledgement(Acknowledgement.FULL).build()).outcome()
          .thenApply(o -> o.status() + " on " + Thread.currentThread().getName());

      String result = thread.get(30, TimeUnit.SECONDS);
      assertThat(result).startsWith("DELIVERED on ");
      assertThat(isSdkThread(result)).as(result).isFalse();
    } finally {
      device.close();
    }
  }
}
