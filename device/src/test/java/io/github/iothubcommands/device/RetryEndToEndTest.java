package io.github.iothubcommands.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.CloudToDevice;
import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandEvent;
import io.github.iothubcommands.CommandHandle;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.DirectMethod;
import io.github.iothubcommands.HubError;
import io.github.iothubcommands.Mechanism;
import io.github.iothubcommands.RetryPolicy;
import io.github.iothubcommands.emulator.IotHubEmulator;
import io.github.iothubcommands.engine.HubLimits;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Retries and fallback over the real path: {@code CommandClient} with the Azure transport (service SDK) →
 * {@code IotHubEmulator} → a device SDK client (MQTT) with the dispatcher. Wall-clock time, so the policies
 * are short; each wait is bounded.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RetryEndToEndTest {
  /** Every 300 ms, up to 60 attempts, within 30 s. */
  static final RetryPolicy QUICK = RetryPolicy.custom().maxAttempts(60).initialBackoff(Duration.ofMillis(300))
      .multiplier(1).maxBackoff(Duration.ofMillis(300)).jitter(0.2).deadline(Duration.ofSeconds(30)).build();

  static IotHubEmulator hub;
  static CommandClient client;
  static final List<CommandEvent> EVENTS = new CopyOnWriteArrayList<>();
  final List<CommandDispatcher> dispatchers = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    hub = IotHubEmulator.builder().hubName("retry-e2e")
        .limits(HubLimits.custom().feedbackBatchInterval(Duration.ofMillis(200)).build())
        .start();
    client = DispatcherEndToEndTest.serviceClientOf(hub, EVENTS::add);
  }

  @AfterAll
  static void stop() {
    DispatcherEndToEndTest.closeAll(client, hub);
  }

  @AfterEach
  void closeDispatchers() {
    dispatchers.forEach(CommandDispatcher::close);
  }

  /** A registered device and its dispatcher, built but not started: the device is offline until start(). */
  CommandDispatcher offlineDevice(String id, CommandHandler handler, String name) {
    DeviceClient deviceClient = new DeviceClient(hub.registerDevice(id), IotHubClientProtocol.MQTT,
        ClientOptions.builder().sslContext(hub.sslContext()).build());
    CommandDispatcher d = CommandDispatcher.builder(deviceClient).handle(name, handler).build();
    dispatchers.add(d);
    return d;
  }

  /** Waits (bounded, wall clock) until the listener saw an event of this kind for the command. */
  static CommandEvent awaitEvent(String commandId, CommandEvent.Kind kind) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      for (CommandEvent e : EVENTS) {
        if (e.commandId().equals(commandId) && e.kind() == kind) {
          return e;
        }
      }
      Thread.sleep(20); // the client's events come from the transport's threads
    }
    throw new AssertionError("no " + kind + " event for " + commandId + " within 30 s; events: " + EVENTS);
  }

  @Test
  void aRetriedMethodFindsTheDeviceOfflineFirstThenSucceedsAndRunsOnce() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    List<String> seen = new CopyOnWriteArrayList<>();
    CommandDispatcher d = offlineDevice("retry-offline", c -> {
      runs.incrementAndGet();
      seen.add(c.commandId() + " " + c.payloadAsString());
      return CommandReply.ok(Map.of("started", true));
    }, "start");

    CommandHandle h = client.sendAsync(d.deviceId(), Command.named("start").id("start-42")
        .jsonPayload(Map.of("speed", 3)).build(), DirectMethod.custom().retry(QUICK).build());
    CommandEvent retry = awaitEvent("start-42", CommandEvent.Kind.RETRY_SCHEDULED);
    d.start(); // the device connects only after an attempt found it offline

    CommandOutcome o = h.outcome().get(60, TimeUnit.SECONDS);
    assertThat(retry.attemptOutcome().orElseThrow().hubError()).contains(HubError.DEVICE_NOT_ONLINE);
    assertThat(o.status()).isEqualTo(CommandStatus.SUCCEEDED);
    assertThat(o.attempts()).isGreaterThanOrEqualTo(2);
    assertThat(o.mechanism()).contains(Mechanism.DIRECT_METHOD);
    assertThat(runs).hasValue(1);
    assertThat(seen).containsExactly("start-42 {\"speed\":3}"); // the id reached the device; the handler saw the caller's JSON
  }

  @Test
  void aCallRetriedAfterA504IsAnsweredByTheFirstRunOnTheDedupingDispatcher() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CommandDispatcher d = offlineDevice("retry-slow", c -> {
      runs.incrementAndGet();
      Thread.sleep(6_000); // past the 5 s response timeout: the hub answers 504, the client retries
      return CommandReply.ok(Map.of("flashed", runs.get()));
    }, "flash");
    d.start();

    CommandOutcome o = client.sendAsync(d.deviceId(), Command.named("flash").id("flash-1").build(),
        DirectMethod.custom().responseTimeout(Duration.ofSeconds(5)).retry(QUICK).build())
        .outcome().get(60, TimeUnit.SECONDS);

    CommandEvent retry = awaitEvent("flash-1", CommandEvent.Kind.RETRY_SCHEDULED);
    assertThat(retry.attemptOutcome().orElseThrow().status()).isEqualTo(CommandStatus.TIMED_OUT);
    assertThat(o.status()).isEqualTo(CommandStatus.SUCCEEDED);
    assertThat(o.attempts()).isGreaterThanOrEqualTo(2);
    assertThat(o.methodResponse().orElseThrow().payloadJson()).isEqualTo("{\"flashed\":1}");
    assertThat(runs).as("the retry found the first run by its command id").hasValue(1);
  }

  @Test
  void aFallbackToAnOfflineDeviceEndsDeliveredAsACloudToDeviceMessage() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    List<IncomingCommand> seen = new CopyOnWriteArrayList<>();
    CommandDispatcher d = offlineDevice("fallback-offline", c -> {
      runs.incrementAndGet();
      seen.add(c);
      return CommandReply.ok();
    }, "update");

    CommandHandle h = client.sendAsync(d.deviceId(), Command.named("update").id("update-7")
            .jsonPayload(Map.of("version", "2.1")).build(),
        DeliveryStrategy.fallback(DirectMethod.ofDefaults(), CloudToDevice.custom()
            .acknowledgement(Acknowledgement.FULL).timeToLive(Duration.ofSeconds(30)).build()));
    CommandEvent fallback = awaitEvent("update-7", CommandEvent.Kind.FALLBACK_TAKEN);
    d.start(); // connects after the method failed: the queued message is waiting

    CommandOutcome o = h.outcome().get(60, TimeUnit.SECONDS);
    assertThat(fallback.attemptOutcome().orElseThrow().status()).isEqualTo(CommandStatus.DEVICE_OFFLINE);
    assertThat(o.status()).isEqualTo(CommandStatus.DELIVERED);
    assertThat(o.mechanism()).contains(Mechanism.CLOUD_TO_DEVICE);
    assertThat(o.attempts()).isEqualTo(2);
    assertThat(runs).hasValue(1);
    assertThat(seen).singleElement().satisfies(c -> {
      assertThat(c.mechanism()).isEqualTo(IncomingCommand.Mechanism.CLOUD_TO_DEVICE);
      assertThat(c.commandId()).isEqualTo("update-7");
      assertThat(c.properties()).doesNotContainKey(Command.ID_PROPERTY);
      assertThat(c.payloadAsJson().get("version").asText()).isEqualTo("2.1");
    });
  }
}
