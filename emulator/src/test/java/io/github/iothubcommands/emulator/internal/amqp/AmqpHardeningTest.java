package io.github.iothubcommands.emulator.internal.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubcommands.emulator.internal.EmulatorRuntime;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.engine.EndpointState;
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
    client = new RawAmqpClient(hub.emulator.sslContext(), hub.emulator.amqpPort(), 0);
    return client;
  }

  @Test
  void putTokenForADeviceWhoseKeyIsNotBase64IsAnswered401() throws Exception {
    hub = new AmqpTestHub(AmqpTestHub.FAST_FEEDBACK);
    hub.engine.registerDevice("bad-key", "not base64!", null); // the engine does not check keys
    RawAmqpClient c = connect();
    assertThat(c.authenticateDevice(EmulatorRuntime.DEVICE_HOST, "bad-key", AmqpTestHub.newKey())).isEqualTo(401);
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
    assertThat(c.putToken(EmulatorRuntime.SERVICE_HOST, hub.emulator.serviceSasToken())).isEqualTo(200);
    Sender intake = c.sender(AmqpConnection.C2D_INTAKE);
    assertThat(c.awaitAttached(intake)).isEqualTo(EndpointState.ACTIVE);
    c.send(intake, message("/devices/d1/messages/devicebound", AmqpConnection.MAX_MESSAGE_BYTES + 1024));
    assertThat(closedWith(c)).isEqualTo(Symbol.valueOf("amqp:link:message-size-exceeded"));
    assertThat(hub.engine.device("d1").orElseThrow().cloudToDeviceMessageCount()).isZero();
  }
}
