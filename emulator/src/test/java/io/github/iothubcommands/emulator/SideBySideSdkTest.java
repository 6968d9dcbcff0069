package io.github.iothubcommands.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three emulators side by side on 127.0.0.2, .3 and .4, all on the SDKs' fixed ports, each with a device
 * called d1: the real service clients (AMQPS C2D, HTTPS direct methods) and device clients (MQTT and AMQPS)
 * reach only their own hub.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SideBySideSdkTest {
  private static final List<String> ADDRESSES = List.of("127.0.0.2", "127.0.0.3", "127.0.0.4");

  private final List<AutoCloseable> opened = new ArrayList<>();
  private SSLSocketFactory previousDefault;

  @AfterEach
  void closeEverything() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    if (previousDefault != null) {
      HttpsURLConnection.setDefaultSSLSocketFactory(previousDefault);
    }
  }

  @Test
  void threeEmulatorsOnTheirOwnLoopbackAddressesServeTheSdkClientsIndependently() throws Exception {
    List<IotHubEmulator> hubs = new ArrayList<>();
    for (int i = 0; i < ADDRESSES.size(); i++) {
      IotHubEmulator hub = IotHubEmulator.builder().bindAddress(ADDRESSES.get(i)).hubName("side-" + i)
          .devices("d1").start();
      opened.add(hub);
      hubs.add(hub);
      assertThat(hub.bindAddress().getHostAddress()).isEqualTo(ADDRESSES.get(i));
      assertThat(hub.amqpPort()).isEqualTo(IotHubEmulator.DEFAULT_AMQP_PORT);
      assertThat(hub.mqttPort()).isEqualTo(IotHubEmulator.DEFAULT_MQTT_PORT);
      assertThat(hub.deviceConnectionString("d1")).startsWith("HostName=" + ADDRESSES.get(i) + ";");
      assertThat(hub.serviceConnectionString()).startsWith("HostName=" + ADDRESSES.get(i) + ";");
      assertThat(hub.httpsHost()).isEqualTo(ADDRESSES.get(i) + ":" + IotHubEmulator.DEFAULT_HTTPS_PORT);
    }
    // The service SDK's HTTPS layer trusts only the JVM default: trust all three at once.
    previousDefault = HttpsURLConnection.getDefaultSSLSocketFactory();
    HttpsURLConnection.setDefaultSSLSocketFactory(IotHubEmulator.sslContextTrusting(hubs).getSocketFactory());

    List<BlockingQueue<String>> received = new ArrayList<>();
    for (int i = 0; i < hubs.size(); i++) {
      IotHubEmulator hub = hubs.get(i);
      BlockingQueue<String> messages = new LinkedBlockingQueue<>();
      received.add(messages);
      // The middle one's device speaks AMQPS, the others MQTT: both dial the IP literal on their fixed port.
      IotHubClientProtocol protocol = i == 1 ? IotHubClientProtocol.AMQPS : IotHubClientProtocol.MQTT;
      DeviceClient device = new DeviceClient(hub.deviceConnectionString("d1"), protocol,
          ClientOptions.builder().sslContext(hub.sslContext()).build());
      device.setMessageCallback((m, ctx) -> {
        messages.add(new String(m.getBytes(), StandardCharsets.UTF_8));
        return IotHubMessageResult.COMPLETE;
      }, null);
      device.open(false);
      opened.add(device::close);
      String name = hub.hubName();
      device.subscribeToMethods((method, payload, ctx) -> new DirectMethodResponse(200, name), null);
    }

    for (int i = 0; i < hubs.size(); i++) {
      IotHubEmulator hub = hubs.get(i);
      MessagingClient messaging = new MessagingClient(hub.serviceConnectionString(), IotHubServiceClientProtocol.AMQPS,
          MessagingClientOptions.builder().sslContext(hub.sslContext()).build());
      messaging.open();
      opened.add(messaging::close);
      Message m = new Message("for " + hub.hubName());
      m.setMessageId("msg-" + i);
      messaging.send("d1", m);

      DirectMethodsClient methods =
          new DirectMethodsClient(hub.httpsHost(), new AzureSasCredential(hub.serviceSasToken()));
      var reply = methods.invoke("d1", "whoami",
          DirectMethodRequestOptions.builder().methodResponseTimeoutSeconds(10).methodConnectTimeoutSeconds(10).build());
      assertThat(reply.getStatus()).isEqualTo(200);
      assertThat(reply.getPayload(String.class)).isEqualTo(hub.hubName());
    }

    for (int i = 0; i < hubs.size(); i++) {
      assertThat(received.get(i).poll(15, TimeUnit.SECONDS)).isEqualTo("for side-" + i);
    }
    for (int i = 0; i < hubs.size(); i++) {
      assertThat(received.get(i)).as("hub %d delivered only its own message", i).isEmpty();
      assertThat(hubs.get(i).engine().device("d1").orElseThrow().cloudToDeviceMessageCount()).isZero();
    }
  }
}
