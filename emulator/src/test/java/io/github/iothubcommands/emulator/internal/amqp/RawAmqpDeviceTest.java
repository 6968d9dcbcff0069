package io.github.iothubcommands.emulator.internal.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.DeviceStatus;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A device speaking AMQP frame by frame ({@link RawAmqpClient}), for what the device SDK never sends. */
@Timeout(45)
class RawAmqpDeviceTest {
  @AutoClose private AmqpTestHub hub;
  @AutoClose private RawAmqpClient device;

  private RawAmqpClient connect(int idleTimeoutMillis) throws Exception {
    device = new RawAmqpClient(hub.emulator.sslContext(), hub.emulator.bindAddress(), hub.emulator.amqpPort(),
        idleTimeoutMillis);
    return device;
  }

  /** A hub with device d1, its HTTPS trusted by the SDK's service clients, d1 authenticated on a raw connection. */
  private RawAmqpClient authenticatedD1() throws Exception {
    hub = new AmqpTestHub(AmqpTestHub.FAST_FEEDBACK, "d1");
    HttpsURLConnection.setDefaultSSLSocketFactory(hub.emulator.sslContext().getSocketFactory());
    RawAmqpClient c = connect(0);
    String key = hub.engine.device("d1").orElseThrow().primaryKey();
    assertThat(c.authenticateDevice(hub.emulator.deviceHost(), "d1", key)).isEqualTo(200);
    return c;
  }

  @Test
  void serverSendsSomethingWithinHalfTheIdleTimeoutTheClientAdvertises() throws Exception {
    hub = new AmqpTestHub(AmqpTestHub.FAST_FEEDBACK, "d1");
    RawAmqpClient c = connect(2000); // proton advertises half of it in Open: 1000 ms
    assertThat(c.awaitOpen()).isTrue();
    int open = c.arrivals.size() - 1; // the read that brought the server's Open
    c.await(() -> false, Duration.ofMillis(2500)); // a quiet connection: only heartbeats come

    List<Long> reads = List.copyOf(c.arrivals.subList(open, c.arrivals.size()));
    long maxGapMillis = 0;
    for (int i = 1; i < reads.size(); i++) {
      maxGapMillis = Math.max(maxGapMillis, TimeUnit.NANOSECONDS.toMillis(reads.get(i) - reads.get(i - 1)));
    }
    assertThat(reads).as("reads since Open").hasSizeGreaterThanOrEqualTo(4);
    assertThat(maxGapMillis).as("longest silence, ms").isLessThan(800);
  }

  @Test
  void disabledDeviceCannotAttachLinksAgainOnTheConnectionItAuthenticatedOn() throws Exception {
    RawAmqpClient c = authenticatedD1();
    Receiver messages = c.receiver("/devices/d1/messages/devicebound", 10);
    assertThat(c.awaitAttached(messages)).isEqualTo(EndpointState.ACTIVE);
    assertThat(hub.engine.device("d1").orElseThrow().connected()).isTrue();

    RegistryClient registry = new RegistryClient(hub.emulator.httpsHost(),
        new AzureSasCredential(hub.emulator.serviceSasToken()));
    Device d1 = registry.getDevice("d1");
    d1.setStatus(DeviceStatus.Disabled);
    registry.updateDevice(d1);
    assertThat(c.await(() -> messages.getRemoteState() == EndpointState.CLOSED, RawAmqpClient.TIMEOUT))
        .as("the hub detaches the disabled device's link").isTrue();
    messages.close();

    Receiver again = c.receiver("/devices/d1/messages/devicebound", 10);
    assertThat(c.awaitAttached(again)).as("attach after the disable, same connection and token")
        .isEqualTo(EndpointState.CLOSED);
    assertThat((Object) again.getRemoteCondition().getCondition()).isEqualTo(AmqpError.UNAUTHORIZED_ACCESS);
    assertThat(hub.engine.device("d1").orElseThrow().connected()).isFalse();
  }

  @Test
  void methodReplyThatIsNotJsonReachesTheHttpsCallerAsAJsonString() throws Exception {
    RawAmqpClient c = authenticatedD1();
    Receiver requests = c.receiver("/devices/d1/methods/devicebound", 10);
    Sender responses = c.sender("/devices/d1/methods/devicebound");
    assertThat(c.awaitAttached(requests)).isEqualTo(EndpointState.ACTIVE);
    assertThat(c.awaitAttached(responses)).isEqualTo(EndpointState.ACTIVE);

    CompletableFuture<DirectMethodResponse> call = hub.invokeRebootOnD1();
    Message request = c.receive(requests, RawAmqpClient.TIMEOUT);
    assertThat(request).isNotNull();
    assertThat(AmqpCodec.applicationProperties(request)).containsEntry(DeviceLinks.METHOD_NAME, "reboot");

    Message reply = RawAmqpClient.methodReply(request, 200, "rebooting {soon}".getBytes(StandardCharsets.UTF_8));
    c.send(responses, reply);
    c.await(call::isDone, RawAmqpClient.TIMEOUT);

    DirectMethodResponse response = call.get(1, TimeUnit.SECONDS);
    assertThat(response.getStatus()).isEqualTo(200);
    assertThat(response.getPayload(String.class)).isEqualTo("rebooting {soon}");
  }
  @Test
  void disconnectingADeviceWhoseLinksAreGoneLeavesTheOtherDevicesOnItsConnectionAlone() throws Exception {
    hub = new AmqpTestHub(AmqpTestHub.FAST_FEEDBACK, "d1", "d2");
    RawAmqpClient c = connect(0);
    for (String id : List.of("d1", "d2")) { // one connection multiplexing two devices, as the SDK's can
      assertThat(c.authenticateDevice(hub.emulator.deviceHost(), id, hub.engine.device(id).orElseThrow()
          .primaryKey())).isEqualTo(200);
    }
    Receiver d1 = c.receiver("/devices/d1/messages/devicebound", 10);
    Receiver d2 = c.receiver("/devices/d2/messages/devicebound", 10);
    assertThat(c.awaitAttached(d1)).isEqualTo(EndpointState.ACTIVE);
    assertThat(c.awaitAttached(d2)).isEqualTo(EndpointState.ACTIVE);
    d1.close(); // d1's last link: the connection no longer carries it
    assertThat(c.await(() -> d1.getRemoteState() == EndpointState.CLOSED, RawAmqpClient.TIMEOUT)).isTrue();
    assertThat(c.await(() -> !hub.engine.device("d1").orElseThrow().connected(), RawAmqpClient.TIMEOUT)).isTrue();

    assertThat(hub.emulator.admin().disconnectDevice("d1")).as("connections of d1 cut").isZero();
    assertThat(c.peerClosed()).isFalse();
    assertThat(hub.engine.device("d2").orElseThrow().connected()).as("d2 still online").isTrue();
  }
}
