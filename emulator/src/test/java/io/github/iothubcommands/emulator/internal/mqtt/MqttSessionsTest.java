package io.github.iothubcommands.emulator.internal.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.HubError;
import io.github.iothubcommands.HubException;
import io.github.iothubcommands.MethodResponse;
import io.github.iothubcommands.emulator.IotHubEmulator;
import io.github.iothubcommands.emulator.internal.DeviceRegistry;
import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.MethodInvocation;
import io.netty.handler.codec.mqtt.MqttMessageType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * MQTT 3.1.1 sessions as IoT Hub keeps them, through a raw client (the device SDK always connects with clean
 * session 0 and cannot be told to skip subscribing): a clean-session-0 device's subscriptions survive its
 * connection and resume with session present 1; clean session 1 discards them; a session never outlives the
 * identity it was made for.
 */
@Timeout(60)
class MqttSessionsTest {
  static IotHubEmulator hub;

  @BeforeAll
  static void start() {
    hub = IotHubEmulator.builder().bindAnyFreeLoopbackAddress().httpsPort(0).mqttPort(0).amqpPort(0).start();
  }

  @AfterAll
  static void stop() {
    if (hub != null) {
      hub.close();
    }
  }

  static String register(String deviceId) {
    hub.registerDevice(deviceId);
    return key(deviceId);
  }

  static String key(String deviceId) {
    return hub.engine().device(deviceId).orElseThrow().primaryKey();
  }

  /** A method call that fails at once if the device is not subscribed to methods. */
  static CompletableFuture<MethodResponse> call(String deviceId) {
    return hub.engine().invoke(MethodInvocation.builder().deviceId(deviceId).methodName("ping").payloadJson("null")
        .connectTimeout(Duration.ZERO).responseTimeout(Duration.ofSeconds(5)).build());
  }

  static void assertOffline(CompletableFuture<MethodResponse> call) {
    assertThat(call).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOfSatisfying(HubException.class,
            e -> assertThat(e.error()).isEqualTo(HubError.DEVICE_NOT_ONLINE));
  }

  /** Waits (bounded) until the hub has seen the device's connection end. */
  static void awaitDisconnected(String deviceId) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (hub.engine().device(deviceId).orElseThrow().connected()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(deviceId + " still connected after 10 s");
      }
      Thread.sleep(5);
    }
  }

  /** Connects clean=0, subscribes to methods, drops the socket. */
  static void subscribeToMethodsAndLoseTheConnection(String id, String key) throws Exception {
    try (RawMqttClient first = RawMqttClient.connect(hub, id, key, false)) {
      assertThat(first.sessionPresent()).isFalse();
      first.subscribe(MqttDeviceHandler.METHODS_FILTER);
      first.kill();
    }
    awaitDisconnected(id);
  }

  @Test
  void cleanSessionZeroResumesSubscriptionsAfterALostConnectionWithoutSubscribingAgain() throws Exception {
    String key = register("resume");
    subscribeToMethodsAndLoseTheConnection("resume", key);

    try (RawMqttClient again = RawMqttClient.connect(hub, "resume", key, false)) {
      assertThat(again.sessionPresent()).isTrue();
      CompletableFuture<MethodResponse> call = call("resume");
      RawMqttClient.Packet request = again.expect(MqttMessageType.PUBLISH);
      assertThat(request.topic()).startsWith("$iothub/methods/POST/ping/?$rid=");
      call.cancel(false);
    }
  }

  @Test
  void cleanSessionOneDiscardsTheKeptSessionAndKeepsNoneOfItsOwn() throws Exception {
    String key = register("clean");
    subscribeToMethodsAndLoseTheConnection("clean", key);

    try (RawMqttClient clean = RawMqttClient.connect(hub, "clean", key, true)) {
      assertThat(clean.sessionPresent()).isFalse();
      assertOffline(call("clean"));
      clean.subscribe(MqttDeviceHandler.METHODS_FILTER);
      clean.kill();
    }
    awaitDisconnected("clean");
    try (RawMqttClient after = RawMqttClient.connect(hub, "clean", key, false)) {
      assertThat(after.sessionPresent()).isFalse();
      assertOffline(call("clean"));
    }
  }

  @Test
  void disconnectPacketEndsACleanSessionZeroSession() throws Exception {
    String key = register("bye");
    try (RawMqttClient first = RawMqttClient.connect(hub, "bye", key, false)) {
      first.subscribe(MqttDeviceHandler.METHODS_FILTER);
      first.disconnect();
    }
    awaitDisconnected("bye");
    try (RawMqttClient again = RawMqttClient.connect(hub, "bye", key, false)) {
      assertThat(again.sessionPresent()).isFalse();
      assertOffline(call("bye")); // not subscribed: refused, not delivered to a client that has no handler yet
    }
  }

  @Test
  void unsubscribedTopicIsNotResumed() throws Exception {
    String key = register("unsub");
    try (RawMqttClient first = RawMqttClient.connect(hub, "unsub", key, false)) {
      first.subscribe(MqttDeviceHandler.METHODS_FILTER);
      first.unsubscribe(MqttDeviceHandler.METHODS_FILTER);
      first.kill();
    }
    try (RawMqttClient again = RawMqttClient.connect(hub, "unsub", key, false)) {
      assertThat(again.sessionPresent()).isTrue();
      assertOffline(call("unsub"));
    }
  }

  @Test
  void cloudToDeviceSubscriptionResumesToo_queuedMessageArrivesWithoutSubscribingAgain() throws Exception {
    String key = register("c2d");
    String filter = "devices/c2d/messages/devicebound/#";
    try (RawMqttClient first = RawMqttClient.connect(hub, "c2d", key, false)) {
      first.subscribe(filter);
      first.kill();
    }
    awaitDisconnected("c2d");
    hub.engine().enqueue(CloudToDeviceMessage.builder().deviceId("c2d").messageId("while-away")
        .payload("{}".getBytes(StandardCharsets.UTF_8), "application/json").acknowledgement(Acknowledgement.NONE)
        .expiryTime(Instant.now().plus(Duration.ofMinutes(5))).build());

    try (RawMqttClient again = RawMqttClient.connect(hub, "c2d", key, false)) {
      assertThat(again.sessionPresent()).isTrue();
      RawMqttClient.Packet message = again.expect(MqttMessageType.PUBLISH);
      assertThat(message.topic()).startsWith("devices/c2d/messages/devicebound/").contains("while-away");
      again.puback(message);
    }
  }

  @Test
  void keyChangeEndsTheSessionOfTheReplacedKeyButNotOfTheKeyThatStays() throws Exception {
    String key = register("rekey");
    String secondary = hub.engine().device("rekey").orElseThrow().secondaryKey();
    subscribeToMethodsAndLoseTheConnection("rekey", key);

    hub.engine().updateDeviceKeys("rekey", key, DeviceRegistry.newKey()); // the key it used stays
    assertThat(secondary).isNotNull();
    try (RawMqttClient same = RawMqttClient.connect(hub, "rekey", key, false)) {
      assertThat(same.sessionPresent()).isTrue();
      same.kill();
    }

    String newKey = DeviceRegistry.newKey();
    hub.engine().updateDeviceKeys("rekey", newKey, null); // the key it used is gone
    try (RawMqttClient renewed = RawMqttClient.connect(hub, "rekey", newKey, false)) {
      assertThat(renewed.sessionPresent()).isFalse();
      assertOffline(call("rekey"));
    }
  }

  @Test
  void deviceDeletedAndCreatedAgainDoesNotResumeTheOldSession() throws Exception {
    String oldKey = register("reborn");
    subscribeToMethodsAndLoseTheConnection("reborn", oldKey);

    hub.engine().removeDevice("reborn");
    hub.engine().registerDevice("reborn", oldKey, null); // even with the same key: another registration
    try (RawMqttClient again = RawMqttClient.connect(hub, "reborn", oldKey, false)) {
      assertThat(again.sessionPresent()).isFalse();
      assertOffline(call("reborn"));
    }
  }
}
