package io.github.iothubcommands.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.DirectMethod;
import io.github.iothubcommands.SequencePlan;
import io.github.iothubcommands.SequenceResult;
import io.github.iothubcommands.azure.AzureHubTransport;
import io.github.iothubcommands.emulator.IotHubEmulator;
import io.github.iothubcommands.engine.HubLimits;
import io.github.iothubcommands.spi.FeedbackRecord;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import javax.net.ssl.HttpsURLConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * BlockHound on the production path: the reactive client over the Azure transport (the real service SDK)
 * against the emulator, devices on the real device SDK over MQTT. Every command is subscribed on {@code
 * Schedulers.parallel()} — so the transport is called on a Reactor thread — and the client's timers run
 * there too.
 */
@Timeout(120)
class BlockHoundOnAzureTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  static IotHubEmulator hub;
  static ReactiveCommandClient client;
  static DeviceClient device;

  @BeforeAll
  static void start() throws Exception {
    hub = IotHubEmulator.builder().hubName("reactor-blockhound").devices("thermostat", "offline")
        .limits(HubLimits.custom().feedbackBatchInterval(Duration.ofMillis(200)).build())
        .start();
    // The service SDK's HTTPS client takes no SSLContext: the JVM default must trust the emulator.
    HttpsURLConnection.setDefaultSSLSocketFactory(hub.sslContext().getSocketFactory());
    client = ReactiveCommandClient.builder()
        .commandClient(CommandClient.builder().transport(AzureHubTransport.builder()
                .credential(hub.httpsHost(), new AzureSasCredential(hub.serviceSasToken()))
                .sslContext(hub.sslContext())
                .build())
            .feedbackWindow(Duration.ofSeconds(5)))
        .scheduler(Schedulers.parallel())
        .build();
    device = new DeviceClient(hub.deviceConnectionString("thermostat"), IotHubClientProtocol.MQTT,
        ClientOptions.builder().sslContext(hub.sslContext()).build());
    device.setMessageCallback((m, ctx) -> IotHubMessageResult.COMPLETE, null);
    device.open(false);
    device.subscribeToMethods((name, payload, ctx) -> new DirectMethodResponse(200, "\"" + name + "\""), null);
    RecordingBlockHound.drain();
  }

  @AfterAll
  static void stop() throws Exception {
    if (device != null) {
      device.close();
    }
    if (client != null) {
      client.close();
    }
    if (hub != null) {
      hub.close();
    }
  }

  @Test
  void theAzurePathBlocksNoReactorThread() {
    List<FeedbackRecord> feedback = new CopyOnWriteArrayList<>();
    Disposable feed = client.feedback().subscribe(feedback::add);

    StepVerifier.create(client.send("thermostat", Command.named("setTarget").build(),
            DirectMethod.custom().responseTimeout(Duration.ofSeconds(10)).build()).subscribeOn(Schedulers.parallel()))
        .assertNext(o -> assertThat(o.status()).isEqualTo(CommandStatus.SUCCEEDED))
        .expectComplete().verify(WAIT);
    StepVerifier.create(client.send("offline", Command.named("reboot").build(), DeliveryStrategy.directMethod())
            .subscribeOn(Schedulers.parallel()))
        .assertNext(o -> assertThat(o.status()).isEqualTo(CommandStatus.DEVICE_OFFLINE))
        .expectComplete().verify(WAIT);
    StepVerifier.create(client.send("thermostat", Command.named("on").id("c2d-1").build(),
            DeliveryStrategy.cloudToDevice()).subscribeOn(Schedulers.parallel()))
        .assertNext(o -> assertThat(o.status()).isEqualTo(CommandStatus.DELIVERED))
        .expectComplete().verify(WAIT);
    StepVerifier.create(client.send("offline", Command.named("wait").build(),
            DirectMethod.custom().connectTimeout(Duration.ofSeconds(30)).build()).subscribeOn(Schedulers.parallel())
            .timeout(Duration.ofMillis(300), Mono.empty())) // cancelled mid-call, on a parallel thread
        .expectComplete().verify(WAIT);
    StepVerifier.create(client.run(SequencePlan.forDevice("thermostat")
            .then(Command.named("download").id("plan-1").build(), DeliveryStrategy.cloudToDevice())
            .then(Command.named("install").id("plan-2").build(), DeliveryStrategy.directMethod()).build())
            .subscribeOn(Schedulers.parallel()))
        .expectNextMatches(SequenceResult.StepResult::succeeded)
        .expectNextMatches(SequenceResult.StepResult::succeeded)
        .expectComplete().verify(WAIT);
    StepVerifier.create(client.fanOut(Flux.fromStream(IntStream.range(0, 20).mapToObj(i -> "thermostat"))
                .subscribeOn(Schedulers.parallel()).index((i, id) -> id),
            id -> Command.named("ping").build(), DeliveryStrategy.directMethod(), 4))
        .expectNextCount(20).expectComplete().verify(WAIT);
    feed.dispose();

    assertThat(feedback).extracting(FeedbackRecord::originalMessageId).contains("c2d-1", "plan-1");
    assertThat(RecordingBlockHound.drain()).as("blocking calls on Reactor threads").isEmpty();
    // Reported, not failed (docs/reactive.md): UUID.randomUUID() reads /dev/urandom now and then, called by the
    // service SDK's Message constructor for every C2D send, and by Command's default id.
    assertThat(RecordingBlockHound.URANDOM).allSatisfy(caller -> assertThat(caller)
        .matches("(com\\.microsoft\\.azure\\.sdk\\.iot\\.service\\.messaging\\.Message|io\\.github\\.iothubcommands\\.Command)"
            + "\\.<init> on parallel-\\d+"));
  }
}
