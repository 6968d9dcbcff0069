package io.github.iothubcommands.emulator.internal.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubcommands.emulator.internal.EmulatorRuntime;
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
}
