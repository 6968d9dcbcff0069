package io.github.iothubcommands.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import java.time.Duration;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The builder's checks, on a device client that is never opened (no network). */
class CommandDispatcherBuilderTest {
  static final String KEY = "c2VjcmV0LWtleS10aGF0LW11c3Qtbm90LWxlYWs=";
  final DeviceClient client = new DeviceClient(
      "HostName=hub.azure-devices.net;DeviceId=pump-7;SharedAccessKey=" + KEY, IotHubClientProtocol.MQTT);

  @Test
  void aBuiltDispatcherKnowsItsDeviceAndCommandsAndShowsNoKey() {
    try (CommandDispatcher d = CommandDispatcher.builder(client)
        .handle("reboot", c -> CommandReply.ok())
        .handle("thermostat1", "getMaxMinReport", c -> CommandReply.ok())
        .build()) {
      assertThat(d.deviceId()).isEqualTo("pump-7");
      assertThat(d.commands()).containsExactlyInAnyOrder("reboot", "thermostat1*getMaxMinReport");
      assertThat(d.connectionStatus()).isEqualTo(IotHubConnectionStatus.DISCONNECTED);
      assertThat(d.toString()).contains("pump-7").doesNotContain(KEY).doesNotContain("SharedAccessKey");
    }
  }

  @Test
  void aHandlerIsRegisteredOncePerWireName() {
    CommandDispatcherBuilder b = CommandDispatcher.builder(client).handle("reboot", c -> CommandReply.ok());
    assertThatThrownBy(() -> b.handle("reboot", c -> CommandReply.ok()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("handler for 'reboot' must be registered once, but was already");
    b.handle("main", "reboot", c -> CommandReply.ok()); // another component: another command
    assertThatThrownBy(() -> b.handle("main*reboot", c -> CommandReply.ok()))
        .hasMessage("handler for 'main*reboot' must be registered once, but was already");
    assertThatThrownBy(() -> b.handle("re boot", c -> CommandReply.ok())).hasMessageStartingWith("wireName must");
    assertThatThrownBy(() -> b.handle("x", null)).hasMessage("handler must not be null");
  }

  @Test
  void settersCheckTheirArgumentsAtOnce() {
    CommandDispatcherBuilder b = CommandDispatcher.builder(client);
    assertThatThrownBy(() -> b.handlerThreads(0)).hasMessage("handlerThreads must be between 1 and 256, but was 0");
    assertThatThrownBy(() -> b.maxPendingHandlers(0))
        .hasMessage("maxPendingHandlers must be between 1 and 1000000, but was 0");
    assertThatThrownBy(() -> b.dedupeWindowSize(1_000_001))
        .hasMessage("dedupeWindowSize must be between 1 and 1000000, but was 1000001");
    assertThatThrownBy(() -> b.handlerTimeout(Duration.ZERO))
        .hasMessage("handlerTimeout must be more than 0 and at most 3600 s, but was 0 ms");
    assertThatThrownBy(() -> b.dedupeWindowAge(Duration.ofDays(3)))
        .hasMessage("dedupeWindowAge must be more than 0 and at most 172800 s, but was 259200000 ms");
    assertThatThrownBy(() -> b.clock(null)).hasMessage("clock must not be null");
    assertThatThrownBy(() -> CommandDispatcher.builder(null)).hasMessage("client must not be null");
  }

  @Test
  void conflictingSettingsFailAtBuildNamingBoth() {
    assertThatThrownBy(() -> CommandDispatcher.builder(client).executor(Executors.newSingleThreadExecutor())
        .handlerThreads(2).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("executor and handlerThreads are both set");
    assertThatThrownBy(() -> CommandDispatcher.builder(client).maxPendingHandlers(20).dedupeWindowSize(10).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("maxPendingHandlers (20) must not exceed dedupeWindowSize (10)");
  }

  @Test
  void startTwiceOrAfterCloseIsRefused() {
    CommandDispatcher d = CommandDispatcher.builder(client).build();
    d.close();
    d.close(); // idempotent
    assertThatThrownBy(d::start).isInstanceOf(IllegalStateException.class)
        .hasMessage("start() must be called once, on a new dispatcher, but the dispatcher of device pump-7 is closed");
  }
}
