package io.github.iothubcommands.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The device SDK over MQTT connects with clean session 0 and, after a lost connection, reconnects without
 * subscribing to methods again: it relies on the hub keeping its session. Direct methods must work after
 * such a reconnect (they failed with 404103 while the emulator forgot subscriptions with the connection).
 */
@Timeout(60)
class MqttReconnectSdkTest {

  @Test
  void directMethodReachesTheDeviceAfterTheSdkReconnectsByItself() throws Exception {
    try (IotHubEmulator hub = IotHubEmulator.builder().bindAnyFreeLoopbackAddress().devices("pump").httpsPort(0)
        .start()) {
      // The service SDK's HTTPS layer uses the JVM default socket factory.
      HttpsURLConnection.setDefaultSSLSocketFactory(hub.sslContext().getSocketFactory());
      DirectMethodsClient methods = new DirectMethodsClient(hub.httpsHost(),
          new AzureSasCredential(hub.serviceSasToken()));
      DirectMethodRequestOptions failFast = DirectMethodRequestOptions.builder()
          .methodConnectTimeoutSeconds(0).methodResponseTimeoutSeconds(10).build();
      BlockingQueue<IotHubConnectionStatus> statuses = new LinkedBlockingQueue<>();
      DeviceClient device = new DeviceClient(hub.deviceConnectionString("pump"), IotHubClientProtocol.MQTT,
          ClientOptions.builder().sslContext(hub.sslContext()).build());
      device.setConnectionStatusChangeCallback(ctx -> statuses.add(ctx.getNewStatus()), null);
      try {
        device.open(false);
        device.subscribeToMethods((name, payload, ctx) -> new DirectMethodResponse(200, "ran " + name), null);
        assertThat(methods.invoke("pump", "start", failFast).getStatus()).isEqualTo(200);
        statuses.clear();

        assertThat(hub.admin().disconnectDevice("pump")).isEqualTo(1); // a lost network: no DISCONNECT

        assertThat(statuses.poll(10, TimeUnit.SECONDS)).isEqualTo(IotHubConnectionStatus.DISCONNECTED_RETRYING);
        IotHubConnectionStatus next;
        do { // a failed reconnect attempt may report retrying again
          next = statuses.poll(30, TimeUnit.SECONDS);
        } while (next == IotHubConnectionStatus.DISCONNECTED_RETRYING);
        assertThat(next).isEqualTo(IotHubConnectionStatus.CONNECTED);
        var response = methods.invoke("pump", "stop", failFast);
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getPayloadAsJsonElement().getAsString()).isEqualTo("ran stop");
      } finally {
        device.close();
      }
    }
  }
}
