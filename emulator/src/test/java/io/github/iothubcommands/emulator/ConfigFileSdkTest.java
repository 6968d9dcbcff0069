package io.github.iothubcommands.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubDeviceMaximumQueueDepthExceededException;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import io.github.iothubcommands.HubTier;
import io.github.iothubcommands.engine.DeviceInfo;
import io.github.iothubcommands.engine.HubLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The shipped example configuration, started through the Builder and used by the real SDK clients. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConfigFileSdkTest {
  /** press-1's keys in config/emulator.yaml and config/emulator.json. */
  private static final String PRIMARY = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
  private static final String SECONDARY = "ZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5/gIGCg4Q=";

  @Test
  void devicesConnectWithTheFilesKeysADisabledOneIsRefusedAndTheFilesQueueDepthHolds() throws Exception {
    try (IotHubEmulator hub = IotHubEmulator.builder().config(example("emulator.yaml")).start()) {
      assertThat(hub.hubName()).isEqualTo("line-7-hub");
      assertThat(hub.bindAddress().getHostAddress()).as("bindAddress: auto").isNotEqualTo("127.0.0.1");
      assertThat(hub.engine().limits().tier()).contains(HubTier.S1);
      assertThat(hub.engine().limits().units()).isEqualTo(2);

      for (String key : List.of(PRIMARY, SECONDARY)) {
        DeviceClient press1 = device(hub, "press-1", key);
        try {
          press1.open(false);
          assertThat(hub.engine().device("press-1").orElseThrow().connected()).isTrue();
        } finally {
          press1.close();
        }
      }
      DeviceClient press3 = device(hub, "press-3", hub.engine().device("press-3").orElseThrow().primaryKey());
      try {
        assertThatThrownBy(() -> press3.open(false)).isInstanceOfSatisfying(IotHubClientException.class,
            e -> assertThat(e.getStatusCode()).isEqualTo(IotHubStatusCode.UNAUTHORIZED));
      } finally {
        press3.close();
      }

      MessagingClient messaging = new MessagingClient(hub.serviceConnectionString(),
          IotHubServiceClientProtocol.AMQPS, MessagingClientOptions.builder().sslContext(hub.sslContext()).build());
      messaging.open();
      try {
        messaging.send("press-2", new Message("{\"n\":1}"));
        messaging.send("press-2", new Message("{\"n\":2}"));
        assertThatThrownBy(() -> messaging.send("press-2", new Message("{\"n\":3}")))
            .as("limits.queueDepth: 2").isInstanceOf(IotHubDeviceMaximumQueueDepthExceededException.class)
            .hasMessageContaining("403004");
      } finally {
        messaging.close();
      }
    }
  }

  @Test
  void theJsonExampleStartsTheSameHubAsTheYamlOne() throws Exception {
    try (IotHubEmulator yaml = IotHubEmulator.builder().config(example("emulator.yaml")).httpsPort(0).start();
        IotHubEmulator json = IotHubEmulator.builder().config(example("emulator.json")).httpsPort(0).start()) {
      HubLimits limits = yaml.engine().limits();
      assertThat(json.engine().limits()).isEqualTo(limits);
      assertThat(limits.queueDepth()).isEqualTo(2);
      assertThat(limits.lockTimeout()).isEqualTo(Duration.ofSeconds(30));
      assertThat(limits.maxDeliveryCount()).isEqualTo(5);
      assertThat(limits.feedbackBatchInterval()).isEqualTo(Duration.ofSeconds(1));
      assertThat(json.hubName()).isEqualTo(yaml.hubName());
      for (IotHubEmulator hub : List.of(yaml, json)) {
        assertThat(hub.engine().devices()).extracting(DeviceInfo::deviceId)
            .containsExactly("press-1", "press-2", "press-3");
        DeviceInfo press1 = hub.engine().device("press-1").orElseThrow();
        assertThat(press1.primaryKey()).isEqualTo(PRIMARY);
        assertThat(press1.secondaryKey()).isEqualTo(SECONDARY);
        assertThat(press1.enabled()).isTrue();
        assertThat(hub.engine().device("press-2").orElseThrow().primaryKey()).as("generated").isNotNull()
            .isNotIn(PRIMARY, SECONDARY);
        assertThat(hub.engine().device("press-3").orElseThrow().enabled()).isFalse();
      }
    }
  }

  @Test
  void aSetterAfterTheFileWinsAndDevicesByIdKeepTheFilesKeys() throws Exception {
    try (IotHubEmulator hub = IotHubEmulator.builder().hubName("before-file").config(example("emulator.yaml"))
        .hubName("after-file").httpsPort(0).devices("press-1", "extra").start()) {
      assertThat(hub.hubName()).isEqualTo("after-file");
      assertThat(hub.engine().device("press-1").orElseThrow().primaryKey()).isEqualTo(PRIMARY);
      assertThat(hub.engine().devices()).extracting(DeviceInfo::deviceId)
          .containsExactly("press-1", "press-2", "press-3", "extra");
    }
  }

  private static DeviceClient device(IotHubEmulator hub, String id, String key) {
    return new DeviceClient("HostName=" + hub.deviceHost() + ";DeviceId=" + id + ";SharedAccessKey=" + key,
        IotHubClientProtocol.MQTT, ClientOptions.builder().sslContext(hub.sslContext()).build());
  }

  private static Path example(String name) throws Exception {
    return Path.of(Objects.requireNonNull(ConfigFileSdkTest.class.getResource("/config/" + name), name).toURI());
  }
}
