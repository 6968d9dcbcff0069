package io.github.iothubcommands.emulator.internal.mqtt;

import io.github.iothubcommands.emulator.internal.EmulatorContext;
import io.github.iothubcommands.emulator.internal.NettyServer;
import io.github.iothubcommands.emulator.internal.OpenDeadline;
import io.github.iothubcommands.emulator.internal.ProtocolServer;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;

/**
 * MQTT 3.1.1 over TLS for devices (IoT Hub: port 8883). Pipeline: open deadline (TLS handshake and CONNECT
 * within the handshake timeout of the accept; swapped for the keep-alive watchdog after CONNECT) → TLS →
 * Netty's MQTT decoder (packet size limit) and encoder → {@link MqttDeviceHandler}. What outlives a connection
 * (a clean-session-0 device's subscriptions) is in {@link MqttSessions}.
 */
public final class MqttDeviceServer {
  /** The front door's name in logs and errors. */
  public static final String NAME = "MQTT";
  /** Largest packet accepted: the 128 KB method payload or 64 KB C2D message plus topic, with room. */
  static final int MAX_PACKET_BYTES = 256 * 1024;
  static final String DECODER = "decoder";

  private MqttDeviceServer() {}

  /**
   * Binds the MQTT server.
   *
   * @param c the shared context
   * @param sessions the devices' MQTT sessions, kept across connections (and across restarts of this server)
   * @return the running server
   * @throws InterruptedException if interrupted while binding
   */
  public static ProtocolServer start(EmulatorContext c, MqttSessions sessions) throws InterruptedException {
    return NettyServer.bind(c, NAME, c.mqttPort(), ch -> ch.pipeline()
        .addLast(OpenDeadline.NAME, new OpenDeadline(c.timeouts().handshake(), "TLS handshake and CONNECT"))
        .addLast("tls", c.tlsHandler(ch))
        .addLast(DECODER, new MqttDecoder(MAX_PACKET_BYTES))
        .addLast("encoder", MqttEncoder.INSTANCE)
        .addLast("device", new MqttDeviceHandler(c.engine(), c.verifier(), c.credentials(), sessions,
            c.channels())));
  }
}
