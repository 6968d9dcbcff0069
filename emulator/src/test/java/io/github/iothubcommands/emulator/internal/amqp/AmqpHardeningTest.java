package io.github.iothubcommands.emulator.internal.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.spi.CloudToDeviceMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the AMQPS front door does with peers that misbehave, frame by frame ({@link RawAmqpClient}). */
@Timeout(45)
class AmqpHardeningTest {
  @AutoClose private AmqpTestHub hub;
  @AutoClose private RawAmqpClient client;

  private RawAmqpClient connect() throws Exception {
    client = new RawAmqpClient(hub.emulator.sslContext(), hub.emulator.bindAddress(), hub.emulator.amqpPort(), 0);
    return client;
  }

  @Test
  void putTokenForADeviceWhoseKeyIsNotBase64IsAnswered401() throws Exception {
    hub = new AmqpTestHub(AmqpTestHub.FAST_FEEDBACK);
    hub.engine.registerDevice("bad-key", "not base64!", null); // the engine does not check keys
    RawAmqpClient c = connect();
    assertThat(c.authenticateDevice(hub.emulator.deviceHost(), "bad-key", AmqpTestHub.newKey())).isEqualTo(401);
  }

  private static Message message(String to, int bodyBytes) {
    Message m = Proton.message();
    Properties p = new Properties();
    p.setTo(to);
    p.setMessageId("big");
    m.setProperties(p);
    m.setBody(new Data(new Binary(new byte[bodyBytes])));
    return m;
  }

  /** Waits for the server to close the connection; returns its error condition's symbol. */
  private static @Nullable Object closedWith(RawAmqpClient c) throws Exception {
    assertThat(c.await(c::peerClosed, RawAmqpClient.TIMEOUT)).as("the server closes the connection").isTrue();
    return c.remoteCondition() == null ? null : c.remoteCondition().getCondition();
  }

  @Test
  void openAdvertisesA64KbMaxFrameSize() throws Exception {
    hub = new AmqpTestHub(AmqpTestHub.FAST_FEEDBACK);
    RawAmqpClient c = connect();
    assertThat(c.awaitOpen()).isTrue();
    assertThat(c.remoteMaxFrameSize()).isEqualTo(AmqpConnection.MAX_FRAME_BYTES).isEqualTo(64 * 1024);
  }

  @Test
  void messageOnCbsPastTheUnauthenticatedLimitClosesTheConnectionInsteadOfBeingBuffered() throws Exception {
    hub = new AmqpTestHub(AmqpTestHub.FAST_FEEDBACK);
    RawAmqpClient c = connect();
    Sender cbs = c.sender(AmqpConnection.CBS);
    c.send(cbs, message("$cbs", AmqpConnection.MAX_UNAUTHENTICATED_MESSAGE_BYTES + 1024));
    assertThat(closedWith(c)).isEqualTo(Symbol.valueOf("amqp:link:message-size-exceeded"));
  }

  @Test
  void messageOnAnAuthenticatedLinkPastTheMessageLimitClosesTheConnection() throws Exception {
    hub = new AmqpTestHub(AmqpTestHub.FAST_FEEDBACK, "d1");
    RawAmqpClient c = connect();
    assertThat(c.putToken(hub.emulator.serviceHost(), hub.emulator.serviceSasToken())).isEqualTo(200);
    Sender intake = c.sender(AmqpConnection.C2D_INTAKE);
    assertThat(c.awaitAttached(intake)).isEqualTo(EndpointState.ACTIVE);
    c.send(intake, message("/devices/d1/messages/devicebound", AmqpConnection.MAX_MESSAGE_BYTES + 1024));
    assertThat(closedWith(c)).isEqualTo(Symbol.valueOf("amqp:link:message-size-exceeded"));
    assertThat(hub.engine.device("d1").orElseThrow().cloudToDeviceMessageCount()).isZero();
  }

  /** A hub with d1 and a raw connection that put a token signed with d1's primary key. */
  private RawAmqpClient authenticatedD1() throws Exception {
    hub = new AmqpTestHub(AmqpTestHub.FAST_FEEDBACK, "d1");
    HttpsURLConnection.setDefaultSSLSocketFactory(hub.emulator.sslContext().getSocketFactory());
    RawAmqpClient c = connect();
    assertThat(c.authenticateDevice(hub.emulator.deviceHost(), "d1", primaryKey("d1"))).isEqualTo(200);
    return c;
  }

  private String primaryKey(String deviceId) {
    return hub.engine.device(deviceId).orElseThrow().primaryKey();
  }

  private RegistryClient registry() {
    return new RegistryClient(hub.emulator.httpsHost(), new AzureSasCredential(hub.emulator.serviceSasToken()));
  }

  private CloudToDeviceMessage c2d(String messageId) {
    return CloudToDeviceMessage.builder().deviceId("d1").messageId(messageId)
        .payload("{}".getBytes(StandardCharsets.UTF_8), "application/json").properties(Map.of())
        .acknowledgement(Acknowledgement.NONE).expiryTime(Instant.now().plusSeconds(600)).build();
  }

  @Test
  void grantDoesNotSurviveTheDeviceBeingDeletedAndCreatedAgain() throws Exception {
    RawAmqpClient c = authenticatedD1();
    RegistryClient registry = registry();
    registry.removeDevice("d1");
    registry.addDevice(new Device("d1")); // same id, new generation, new keys
    hub.engine.enqueue(c2d("for-the-new-d1"));

    Receiver messages = c.receiver("/devices/d1/messages/devicebound", 10);
    assertThat(c.awaitAttached(messages)).isEqualTo(EndpointState.CLOSED);
    assertThat((Object) messages.getRemoteCondition().getCondition()).isEqualTo(AmqpError.UNAUTHORIZED_ACCESS);
    assertThat(c.receive(messages, Duration.ofMillis(500))).isNull();
    assertThat(hub.engine.device("d1").orElseThrow().cloudToDeviceMessageCount()).isEqualTo(1);
  }

  @Test
  void keyChangeDetachesTheLinksOfAGrantIssuedForTheOldKeyAndRefusesNewOnes() throws Exception {
    RawAmqpClient c = authenticatedD1();
    Receiver messages = c.receiver("/devices/d1/messages/devicebound", 10);
    assertThat(c.awaitAttached(messages)).isEqualTo(EndpointState.ACTIVE);

    RegistryClient registry = registry();
    Device d1 = registry.getDevice("d1");
    d1.getSymmetricKey().setPrimaryKey(AmqpTestHub.newKey());
    d1.getSymmetricKey().setSecondaryKey(AmqpTestHub.newKey());
    registry.updateDevice(d1);

    assertThat(c.await(() -> messages.getRemoteState() == EndpointState.CLOSED, RawAmqpClient.TIMEOUT))
        .as("the hub detaches the link attached under the old key").isTrue();
    assertThat((Object) messages.getRemoteCondition().getCondition()).isEqualTo(AmqpError.UNAUTHORIZED_ACCESS);
    hub.engine.enqueue(c2d("after-the-change"));
    Receiver again = c.receiver("/devices/d1/messages/devicebound", 10);
    assertThat(c.awaitAttached(again)).isEqualTo(EndpointState.CLOSED);
    assertThat(hub.engine.device("d1").orElseThrow().connected()).isFalse();

    // a token signed with the new key is a new grant on the same connection
    assertThat(c.authenticateDevice(hub.emulator.deviceHost(), "d1", primaryKey("d1"))).isEqualTo(200);
    Receiver renewed = c.receiver("/devices/d1/messages/devicebound", 10);
    assertThat(c.awaitAttached(renewed)).isEqualTo(EndpointState.ACTIVE);
    assertThat(c.receive(renewed, RawAmqpClient.TIMEOUT)).isNotNull();
  }

  @Test
  void changingTheKeyTheTokenWasNotSignedWithKeepsTheGrant() throws Exception {
    RawAmqpClient c = authenticatedD1();
    Receiver messages = c.receiver("/devices/d1/messages/devicebound", 10);
    assertThat(c.awaitAttached(messages)).isEqualTo(EndpointState.ACTIVE);

    hub.engine.updateDeviceKeys("d1", primaryKey("d1"), AmqpTestHub.newKey()); // secondary only
    hub.engine.enqueue(c2d("still-yours"));
    Message m = c.receive(messages, RawAmqpClient.TIMEOUT);
    assertThat(m).isNotNull();
    assertThat(m.getProperties().getMessageId()).isEqualTo("still-yours");
  }

  /** Attaches both method links of d1 and returns the request link. */
  private static Receiver methodLinks(RawAmqpClient c, Sender[] responses) throws Exception {
    Receiver requests = c.receiver("/devices/d1/methods/devicebound", 10);
    responses[0] = c.sender("/devices/d1/methods/devicebound");
    assertThat(c.awaitAttached(requests)).isEqualTo(EndpointState.ACTIVE);
    assertThat(c.awaitAttached(responses[0])).isEqualTo(EndpointState.ACTIVE);
    return requests;
  }

  @Test
  void deviceThatReconnectsMidMethodAnswersOnItsNewConnectionAndTheCallerGetsTheReply() throws Exception {
    RawAmqpClient first = authenticatedD1();
    Sender[] responses = new Sender[1];
    Receiver requests = methodLinks(first, responses);
    CompletableFuture<DirectMethodResponse> call = hub.invokeRebootOnD1();
    Message request = first.receive(requests, RawAmqpClient.TIMEOUT);
    assertThat(request).isNotNull();
    first.close(); // the device drops its connection before it answers

    RawAmqpClient second = connect();
    assertThat(second.authenticateDevice(hub.emulator.deviceHost(), "d1", primaryKey("d1"))).isEqualTo(200);
    methodLinks(second, responses);
    Message reply = RawAmqpClient.methodReply(request, 200, "{\"rebooted\":true}".getBytes(StandardCharsets.UTF_8));
    second.send(responses[0], reply);
    second.await(call::isDone, RawAmqpClient.TIMEOUT);

    DirectMethodResponse response = call.get(1, TimeUnit.SECONDS);
    assertThat(response.getStatus()).isEqualTo(200);
    assertThat(response.getPayloadAsJsonString()).isEqualTo("{\"rebooted\":true}");
  }
}
