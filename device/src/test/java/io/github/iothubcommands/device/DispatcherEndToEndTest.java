package io.github.iothubcommands.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubConnectionStatusChangeReason;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.CloudToDevice;
import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.DirectMethod;
import io.github.iothubcommands.azure.AzureHubTransport;
import io.github.iothubcommands.device.IncomingCommand.Mechanism;
import io.github.iothubcommands.emulator.IotHubEmulator;
import io.github.iothubcommands.engine.HubLimits;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.HttpsURLConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole path with the real SDKs on loopback: {@code CommandClient} with {@code AzureHubTransport} (the
 * service SDK) → {@code IotHubEmulator} → a {@code DeviceClient} (the device SDK) with the dispatcher, over
 * MQTT and over AMQPS.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DispatcherEndToEndTest {
  static IotHubEmulator hub;
  static CommandClient client;
  static final AtomicInteger DEVICES = new AtomicInteger();
  static final DirectMethod METHOD = DirectMethod.custom().responseTimeout(Duration.ofSeconds(10)).build();
  static final CloudToDevice C2D = CloudToDevice.custom().acknowledgement(Acknowledgement.FULL)
      .timeToLive(Duration.ofSeconds(30)).build();

  final List<CommandDispatcher> dispatchers = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    hub = IotHubEmulator.builder().hubName("device-e2e")
        .limits(HubLimits.custom().feedbackBatchInterval(Duration.ofMillis(200)).build())
        .start();
    client = serviceClientOf(hub);
  }

  /** The production path on the service side: CommandClient over the Azure transport, trusting the emulator. */
  static CommandClient serviceClientOf(IotHubEmulator emulator) {
    return serviceClientOf(emulator, event -> { });
  }

  /** The same, with a listener for every event. */
  static CommandClient serviceClientOf(IotHubEmulator emulator, io.github.iothubcommands.CommandListener listener) {
    // HTTPS (direct methods) uses the JVM's default socket factory; AMQP takes the SSLContext.
    HttpsURLConnection.setDefaultSSLSocketFactory(emulator.sslContext().getSocketFactory());
    AzureSasCredential sas = new AzureSasCredential(emulator.serviceSasToken());
    return CommandClient.builder()
        .transport(AzureHubTransport.builder().credential(emulator.httpsHost(), sas).sslContext(emulator.sslContext())
            .build())
        .feedbackWindow(Duration.ofSeconds(5))
        .listener(listener)
        .build();
  }

  @AfterAll
  static void stop() {
    closeAll(client, hub);
  }

  /** Closes each that was opened, in order. */
  static void closeAll(AutoCloseable... closeables) {
    for (AutoCloseable c : closeables) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  @AfterEach
  void closeDispatchers() {
    dispatchers.forEach(CommandDispatcher::close);
  }

  /** A new device on the emulator, its client on {@code protocol}, a dispatcher built by {@code setup}, started. */
  CommandDispatcher device(IotHubClientProtocol protocol, java.util.function.UnaryOperator<CommandDispatcherBuilder> setup)
      throws Exception {
    String id = "d" + DEVICES.incrementAndGet() + "-" + protocol.name().toLowerCase(java.util.Locale.ROOT);
    DeviceClient deviceClient = new DeviceClient(hub.registerDevice(id), protocol,
        ClientOptions.builder().sslContext(hub.sslContext()).build());
    CommandDispatcher d = setup.apply(CommandDispatcher.builder(deviceClient)).build();
    dispatchers.add(d);
    d.start();
    return d;
  }

  @ParameterizedTest
  @EnumSource(names = {"MQTT", "AMQPS"})
  void oneHandlerServesTheCommandAsADirectMethodAndAsACloudToDeviceMessage(IotHubClientProtocol protocol)
      throws Exception {
    List<IncomingCommand> seen = new CopyOnWriteArrayList<>();
    CommandDispatcher d = device(protocol, b -> b.handle("setTarget", c -> {
      seen.add(c);
      return CommandReply.ok(Map.of("celsius", c.payloadAsJson().get("celsius").asInt(), "via", c.mechanism()));
    }));
    Command command = Command.named("setTarget").jsonPayload(Map.of("celsius", 21)).build();

    CommandOutcome viaMethod = client.send(d.deviceId(), command, METHOD);
    CommandOutcome viaMessage = client.send(d.deviceId(),
        command.toBuilder().id("setTarget-c2d").property("origin", "test").build(), C2D);

    assertThat(viaMethod.status()).isEqualTo(CommandStatus.SUCCEEDED);
    assertThat(viaMethod.methodResponse().orElseThrow().payload().get("celsius").asInt()).isEqualTo(21);
    assertThat(viaMethod.methodResponse().orElseThrow().payload().get("via").asText()).isEqualTo("METHOD");
    assertThat(viaMessage.status()).isEqualTo(CommandStatus.DELIVERED);
    assertThat(seen).extracting(IncomingCommand::mechanism).containsExactly(Mechanism.METHOD, Mechanism.CLOUD_TO_DEVICE);
    IncomingCommand message = seen.get(1);
    assertThat(message.commandId()).isEqualTo("setTarget-c2d");
    assertThat(message.isJson()).isTrue();
    assertThat(message.payloadAsJson().get("celsius").asInt()).isEqualTo(21);
    assertThat(message.properties()).containsExactly(Map.entry("origin", "test"));
    assertThat(message.deviceId()).contains(d.deviceId());
    assertThat(seen.get(0).commandId()).as("a method's command id is the SDK's request id for now").isNotBlank();
  }

  @ParameterizedTest
  @EnumSource(names = {"MQTT", "AMQPS"})
  void aPlugAndPlayComponentCommandReachesTheHandlerOfItsComponent(IotHubClientProtocol protocol) throws Exception {
    CommandDispatcher d = device(protocol, b -> b
        .handle("thermostat1", "getMaxMinReport", c -> CommandReply.ok(c.component().orElseThrow()))
        .handle("getMaxMinReport", c -> CommandReply.ok("default component")));
    CommandOutcome o = client.send(d.deviceId(), Command.named("getMaxMinReport").component("thermostat1").build(),
        METHOD);
    assertThat(o.methodResponse().orElseThrow().payloadJson()).isEqualTo("\"thermostat1\"");
  }

  @ParameterizedTest
  @EnumSource(names = {"MQTT", "AMQPS"})
  void anUnknownCommandIsAnswered501AsAMethodAndRejectedAsAMessage(IotHubClientProtocol protocol) throws Exception {
    CommandDispatcher d = device(protocol, b -> b.handle("known", c -> CommandReply.ok()));

    CommandOutcome method = client.send(d.deviceId(), Command.named("unknown").build(), METHOD);
    CommandOutcome message = client.send(d.deviceId(), Command.named("unknown").build(), C2D);

    assertThat(method.status()).isEqualTo(CommandStatus.FAILED);
    assertThat(method.methodResponse().orElseThrow().status()).isEqualTo(CommandReply.UNKNOWN_COMMAND);
    assertThat(method.methodResponse().orElseThrow().payload().get("error").asText()).isEqualTo("unknown command");
    // Only AMQPS carries a rejection; the SDK's MQTT transport can only complete.
    assertThat(message.status())
        .isEqualTo(protocol == IotHubClientProtocol.AMQPS ? CommandStatus.REJECTED : CommandStatus.DELIVERED);
  }

  @ParameterizedTest
  @EnumSource(names = {"MQTT", "AMQPS"})
  void aThrowingHandlerIsAnswered500OrAbandonedAndTheDispatcherGoesOn(IotHubClientProtocol protocol)
      throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CommandDispatcher d = device(protocol, b -> b
        .handle("failOnce", c -> {
          if (calls.incrementAndGet() == 1) {
            throw new IllegalStateException("first call fails");
          }
          return CommandReply.ok();
        })
        .handle("ping", c -> CommandReply.ok("pong")));

    CommandOutcome method = client.send(d.deviceId(), Command.named("failOnce").build(), METHOD);
    assertThat(method.status()).isEqualTo(CommandStatus.FAILED);
    assertThat(method.methodResponse().orElseThrow().status()).isEqualTo(CommandReply.HANDLER_FAILED);
    assertThat(client.send(d.deviceId(), Command.named("ping").build(), METHOD).status())
        .isEqualTo(CommandStatus.SUCCEEDED);

    calls.set(0);
    CommandOutcome message = client.send(d.deviceId(), Command.named("failOnce").build(), C2D);
    assertThat(message.status()).isEqualTo(CommandStatus.DELIVERED);
    // AMQPS: abandoned, delivered again, the second run completes. MQTT: the abandon completes it at once.
    assertThat(calls).hasValue(protocol == IotHubClientProtocol.AMQPS ? 2 : 1);
  }

  @ParameterizedTest
  @EnumSource(names = {"MQTT", "AMQPS"})
  void aCloudToDeviceCommandSentTwiceWithTheSameIdRunsTheHandlerOnce(IotHubClientProtocol protocol)
      throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CommandDispatcher d = device(protocol, b -> b.handle("dispense", c -> {
      runs.incrementAndGet();
      return CommandReply.ok();
    }));
    Command dispense = Command.named("dispense").id("dispense-42").jsonPayload(Map.of("ml", 250)).build();

    CommandOutcome first = client.send(d.deviceId(), dispense, C2D);
    CommandOutcome resent = client.send(d.deviceId(), dispense, C2D);

    assertThat(first.status()).isEqualTo(CommandStatus.DELIVERED);
    assertThat(resent.status()).as("the duplicate gets the first run's reply: complete").isEqualTo(CommandStatus.DELIVERED);
    assertThat(runs).hasValue(1);
  }

  @ParameterizedTest
  @EnumSource(names = {"MQTT", "AMQPS"})
  void aMethodSentWithoutItsCommandIdIsKnownByItsRequestIdSoTwoCallsAreTwoCommands(IotHubClientProtocol protocol)
      throws Exception {
    List<String> ids = new CopyOnWriteArrayList<>();
    CommandDispatcher d = device(protocol, b -> b.handle("ping", c -> {
      ids.add(c.commandId());
      return CommandReply.ok();
    }));
    DirectMethod withoutId = METHOD.toBuilder().sendCommandId(false).build();
    client.send(d.deviceId(), Command.named("ping").id("same").build(), withoutId);
    client.send(d.deviceId(), Command.named("ping").id("same").build(), withoutId);
    assertThat(ids).hasSize(2).doesNotHaveDuplicates();
    if (protocol == IotHubClientProtocol.MQTT) {
      // the $rid of the MQTT topic (the emulator numbers calls), not a random fallback: the SDK's id was seen
      assertThat(ids).allMatch(id -> id.matches("\\d+"));
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"MQTT", "AMQPS"})
  void connectionChangesReachTheListenerAndCloseReleasesTheDispatchersThreads(IotHubClientProtocol protocol)
      throws Exception {
    List<ConnectionEvent> events = new CopyOnWriteArrayList<>();
    CommandDispatcher d = device(protocol, b -> b.onConnectionEvent(events::add)
        .handle("ping", c -> CommandReply.ok()));
    assertThat(client.send(d.deviceId(), Command.named("ping").build(), METHOD).status())
        .isEqualTo(CommandStatus.SUCCEEDED);
    assertThat(d.connectionStatus()).isEqualTo(IotHubConnectionStatus.CONNECTED);
    String threadPrefix = "iothub-commands-device-" + d.deviceId() + "-";
    assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().startsWith(threadPrefix));

    d.close();

    assertThat(events).extracting(ConnectionEvent::status)
        .startsWith(IotHubConnectionStatus.CONNECTED).endsWith(IotHubConnectionStatus.DISCONNECTED);
    assertThat(events.get(events.size() - 1).reason()).isEqualTo(IotHubConnectionStatusChangeReason.CLIENT_CLOSE);
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.isAlive() && t.getName().startsWith(threadPrefix));
    assertThat(client.send(d.deviceId(), Command.named("ping").build(), DeliveryStrategy.directMethod()).status())
        .as("closed: the device is offline").isEqualTo(CommandStatus.DEVICE_OFFLINE);
  }

  @ParameterizedTest
  @EnumSource(names = {"MQTT", "AMQPS"})
  void aClientThatCannotOpenFailsStartWithoutShowingItsKey(IotHubClientProtocol protocol) {
    String good = hub.registerDevice("wrong-key-" + protocol.name().toLowerCase(java.util.Locale.ROOT));
    String key = good.substring(good.indexOf("SharedAccessKey=") + "SharedAccessKey=".length());
    String wrongKey = java.util.Base64.getEncoder().encodeToString("not the device's key".getBytes(
        java.nio.charset.StandardCharsets.UTF_8));
    DeviceClient deviceClient = new DeviceClient(good.replace(key, wrongKey), protocol,
        ClientOptions.builder().sslContext(hub.sslContext()).build());
    CommandDispatcher d = CommandDispatcher.builder(deviceClient).handle("ping", c -> CommandReply.ok()).build();
    dispatchers.add(d);
    assertThatThrownBy(d::start)
        .isInstanceOfSatisfying(DeviceClientException.class, e -> {
          assertThat(e.operation()).isEqualTo("open");
          assertThat(e.deviceId()).startsWith("wrong-key-");
        })
        .message().doesNotContain(wrongKey).doesNotContain(key).doesNotContain("SharedAccessSignature");
    assertThatThrownBy(d::start).as("a failed start closes the dispatcher").isInstanceOf(IllegalStateException.class);
  }
}
