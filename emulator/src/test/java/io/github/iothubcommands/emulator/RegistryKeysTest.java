package io.github.iothubcommands.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import com.microsoft.azure.sdk.iot.service.auth.SymmetricKey;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubBadFormatException;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.ssl.HttpsURLConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The registry refuses keys IoT Hub refuses (base64 of 16 to 64 bytes), and a key that got in anyway
 * (straight through the engine) makes authentication answer, not fail silently.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RegistryKeysTest {
  private IotHubEmulator hub;
  private RegistryClient registry;

  @BeforeEach
  void start() {
    hub = IotHubEmulator.builder().bindAnyFreeLoopbackAddress().devices("d1").httpsPort(0).amqpPort(0).start();
    HttpsURLConnection.setDefaultSSLSocketFactory(hub.sslContext().getSocketFactory());
    registry = new RegistryClient(hub.httpsHost(), new AzureSasCredential(hub.serviceSasToken()));
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  private static String base64OfBytes(int n) {
    return Base64.getEncoder().encodeToString(new byte[n]);
  }

  @ParameterizedTest
  @ValueSource(strings = {"not base64!", "c2hvcnQ=", "15 bytes", "65 bytes"})
  void creatingADeviceWithAKeyThatIsNotBase64Of16To64BytesIsA400(String key) {
    String bad = key.endsWith(" bytes") ? base64OfBytes(Integer.parseInt(key.split(" ")[0])) : key; // c2hvcnQ=: 5
    Device device = new Device("k1");
    SymmetricKey keys = new SymmetricKey();
    keys.setPrimaryKey(bad);
    keys.setSecondaryKey(base64OfBytes(32));
    device.setSymmetricKey(keys);

    assertThatThrownBy(() -> registry.addDevice(device)).isInstanceOfSatisfying(IotHubBadFormatException.class,
        e -> assertThat(e.getMessage()).contains("primaryKey must be base64 of 16 to 64 bytes")
            .doesNotContain(bad));
    assertThat(hub.engine().device("k1")).isEmpty();
  }

  @Test
  void keysOf16And64BytesAreAccepted() throws Exception {
    Device device = new Device("k1");
    SymmetricKey keys = new SymmetricKey();
    keys.setPrimaryKey(base64OfBytes(16));
    keys.setSecondaryKey(base64OfBytes(64));
    device.setSymmetricKey(keys);
    assertThat(registry.addDevice(device).getPrimaryKey()).isEqualTo(base64OfBytes(16));
  }

  @Test
  void updatingADeviceWithABadKeyIsA400AndKeepsItsKeys() throws Exception {
    Device d1 = registry.getDevice("d1");
    String before = d1.getPrimaryKey();
    d1.getSymmetricKey().setSecondaryKey("%%%");
    assertThatThrownBy(() -> registry.updateDevice(d1)).isInstanceOf(IotHubBadFormatException.class);
    assertThat(hub.engine().device("d1").orElseThrow().primaryKey()).isEqualTo(before);
    assertThat(hub.engine().device("d1").orElseThrow().secondaryKey()).isNotEqualTo("%%%");
  }

  @Test
  void deviceWhoseKeyIsNotBase64GetsAConnackRefusalOverMqttNotASilentClose() throws Exception {
    hub.engine().registerDevice("bad-key", "not base64!", null); // the engine does not check keys
    DeviceClient client = new DeviceClient("HostName=" + hub.deviceHost() + ";DeviceId=bad-key;SharedAccessKey="
        + base64OfBytes(32), IotHubClientProtocol.MQTT, ClientOptions.builder().sslContext(hub.sslContext()).build());
    try {
      assertThatThrownBy(() -> client.open(false)).isInstanceOfSatisfying(IotHubClientException.class,
          e -> assertThat(e.getStatusCode()).isEqualTo(IotHubStatusCode.UNAUTHORIZED));
    } finally {
      client.close();
    }
  }

  /** Waits up to 10 s for {@code condition}. */
  private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  @Test
  void keyChangeClosesTheMqttConnectionAuthenticatedWithTheOldKeyAndItsReconnectIsRefused() throws Exception {
    List<IotHubConnectionStatus> statuses = new CopyOnWriteArrayList<>();
    DeviceClient client = new DeviceClient(hub.deviceConnectionString("d1"), IotHubClientProtocol.MQTT,
        ClientOptions.builder().sslContext(hub.sslContext()).build());
    client.setConnectionStatusChangeCallback(ctx -> statuses.add(ctx.getNewStatus()), null);
    try {
      client.open(false);
      assertThat(hub.engine().device("d1").orElseThrow().connected()).isTrue();

      Device d1 = registry.getDevice("d1");
      d1.getSymmetricKey().setPrimaryKey(base64OfBytes(32));
      registry.updateDevice(d1);

      assertThat(eventually(() -> statuses.stream().anyMatch(s -> s != IotHubConnectionStatus.CONNECTED)))
          .as("the device SDK sees its connection end: " + statuses).isTrue();
      Thread.sleep(1000); // the SDK's reconnect, with the old key, is refused
      assertThat(hub.engine().device("d1").orElseThrow().connected()).isFalse();
    } finally {
      client.close();
    }
  }

  @Test
  void changingTheKeyAnMqttDeviceDidNotConnectWithKeepsItsConnection() throws Exception {
    DeviceClient client = new DeviceClient(hub.deviceConnectionString("d1"), IotHubClientProtocol.MQTT,
        ClientOptions.builder().sslContext(hub.sslContext()).build());
    try {
      client.open(false);
      Device d1 = registry.getDevice("d1");
      d1.getSymmetricKey().setSecondaryKey(base64OfBytes(32));
      registry.updateDevice(d1);
      Thread.sleep(500);
      assertThat(hub.engine().device("d1").orElseThrow().connected()).isTrue();
    } finally {
      client.close();
    }
  }
}
