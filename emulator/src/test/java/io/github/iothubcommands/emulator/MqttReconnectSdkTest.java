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
  /**
   * A device closed and opened again by the application (DISCONNECT, then CONNECT with clean session 0)
   * subscribes again; a method waiting for it to connect is delivered once the SDK has its callback. While a
   * DISCONNECT kept the session, the waiting call reached the SDK at CONNECT, before its callback existed, and
   * was lost (TIMED_OUT).
   */
  @Test
  void aMethodWaitingForAClosedAndReopenedDeviceReachesItsCallback() throws Exception {
    try (IotHubEmulator hub = IotHubEmulator.builder().bindAnyFreeLoopbackAddress().devices("valve").httpsPort(0)
        .start()) {
      HttpsURLConnection.setDefaultSSLSocketFactory(hub.sslContext().getSocketFactory());
      DirectMethodsClient methods = new DirectMethodsClient(hub.httpsHost(),
          new AzureSasCredential(hub.serviceSasToken()));
      ClientOptions options = ClientOptions.builder().sslContext(hub.sslContext()).build();
      DeviceClient first = new DeviceClient(hub.deviceConnectionString("valve"), IotHubClientProtocol.MQTT, options);
      first.open(false);
      first.subscribeToMethods((name, payload, ctx) -> new DirectMethodResponse(200, "first"), null);
      first.close();

      var waiting = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          return methods.invoke("valve", "open", DirectMethodRequestOptions.builder()
              .methodConnectTimeoutSeconds(30).methodResponseTimeoutSeconds(10).build());
        } catch (Exception e) {
          throw new java.util.concurrent.CompletionException(e);
        }
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (hub.admin().counts().methodsInvoked() == 0) { // the call waits in the hub for the device
        assertThat(System.nanoTime()).as("the call reached the hub").isLessThan(deadline);
        Thread.sleep(5);
      }
      DeviceClient second = new DeviceClient(hub.deviceConnectionString("valve"), IotHubClientProtocol.MQTT,
          options);
      try {
        second.open(false);
        second.subscribeToMethods((name, payload, ctx) -> new DirectMethodResponse(200, "second " + name), null);
        var response = waiting.get(40, TimeUnit.SECONDS);
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getPayloadAsJsonElement().getAsString()).isEqualTo("second open");
      } finally {
        second.close();
      }
    }
  }
}
