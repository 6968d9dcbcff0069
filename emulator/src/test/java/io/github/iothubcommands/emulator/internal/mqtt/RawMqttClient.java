package io.github.iothubcommands.emulator.internal.mqtt;

import io.github.iothubcommands.emulator.IotHubEmulator;
import io.github.iothubcommands.emulator.internal.auth.SasToken;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import org.jspecify.annotations.Nullable;

/**
 * A bare MQTT 3.1.1 device over TLS (Netty's MQTT codec), for what the device SDK cannot be made to do: choose
 * its clean-session flag, skip subscribing, drop its socket without DISCONNECT. Every wait is bounded.
 */
final class RawMqttClient implements AutoCloseable {
  private static final long WAIT_SECONDS = 10;

  /** A packet from the hub; a PUBLISH's topic and payload are copied out. */
  record Packet(MqttMessageType type, MqttMessage message, @Nullable String topic, @Nullable String payload) {}

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final BlockingQueue<Packet> received = new LinkedBlockingQueue<>();
  private final Channel channel;
  private @Nullable MqttConnAckMessage connAck;
  private int nextPacketId = 1;

  private RawMqttClient(IotHubEmulator hub) throws InterruptedException {
    channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            SSLEngine engine = hub.sslContext().createSSLEngine(hub.bindAddress().getHostAddress(), hub.mqttPort());
            engine.setUseClientMode(true);
            ch.pipeline().addLast(new SslHandler(engine), new MqttDecoder(), MqttEncoder.INSTANCE,
                new SimpleChannelInboundHandler<MqttMessage>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, MqttMessage m) {
                    String topic = null;
                    String payload = null;
                    if (m instanceof MqttPublishMessage p) {
                      topic = p.variableHeader().topicName();
                      payload = new String(ByteBufUtil.getBytes(p.payload()), StandardCharsets.UTF_8);
                    }
                    received.add(new Packet(m.fixedHeader().messageType(), m, topic, payload));
                  }
                });
          }
        })
        .connect(hub.bindAddress(), hub.mqttPort()).sync().channel();
  }

  /**
   * Connects as {@code deviceId} with a SAS token signed by {@code key} and waits for CONNACK.
   *
   * @return the accepted CONNACK
   */
  static RawMqttClient connect(IotHubEmulator hub, String deviceId, String key, boolean cleanSession)
      throws InterruptedException {
    RawMqttClient c = new RawMqttClient(hub);
    try {
      String host = hub.deviceHost();
      String token = SasToken.build(host + "/devices/" + deviceId, key,
          Instant.now().plusSeconds(3600).getEpochSecond(), null);
      c.channel.writeAndFlush(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1)
          .clientId(deviceId).cleanSession(cleanSession).keepAlive(60)
          .username(host + "/" + deviceId + "/?api-version=2020-09-30").password(token.getBytes(StandardCharsets.UTF_8))
          .build()).sync();
      c.connAck = (MqttConnAckMessage) c.expect(MqttMessageType.CONNACK).message();
      if (c.connAck.variableHeader().connectReturnCode() != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
        throw new AssertionError("refused: " + c.connAck.variableHeader().connectReturnCode());
      }
      return c;
    } catch (RuntimeException | InterruptedException | AssertionError e) {
      c.close();
      throw e;
    }
  }

  /** Whether the hub's CONNACK said it resumed a session. */
  boolean sessionPresent() {
    MqttConnAckMessage a = connAck;
    return a != null && a.variableHeader().isSessionPresent();
  }

  /** Subscribes with QoS 1 and waits for SUBACK. */
  void subscribe(String... filters) throws InterruptedException {
    MqttMessageBuilders.SubscribeBuilder b = MqttMessageBuilders.subscribe().messageId(nextPacketId++);
    for (String f : filters) {
      b.addSubscription(MqttQoS.AT_LEAST_ONCE, f);
    }
    channel.writeAndFlush(b.build()).sync();
    expect(MqttMessageType.SUBACK);
  }

  /** Unsubscribes and waits for UNSUBACK. */
  void unsubscribe(String... filters) throws InterruptedException {
    MqttMessageBuilders.UnsubscribeBuilder b = MqttMessageBuilders.unsubscribe().messageId(nextPacketId++);
    for (String f : filters) {
      b.addTopicFilter(f);
    }
    channel.writeAndFlush(b.build()).sync();
    expect(MqttMessageType.UNSUBACK);
  }

  /** Sends DISCONNECT and waits until the hub closes the connection. */
  void disconnect() throws InterruptedException {
    channel.writeAndFlush(MqttMessage.DISCONNECT).sync();
    if (!channel.closeFuture().await(WAIT_SECONDS, TimeUnit.SECONDS)) {
      throw new AssertionError("the hub did not close the connection after DISCONNECT");
    }
  }

  /** Drops the connection without an MQTT packet, as a lost network would. */
  void kill() throws InterruptedException {
    channel.close().sync();
  }

  /** The next packet, which must be of {@code type}, within 10 s. */
  Packet expect(MqttMessageType type) throws InterruptedException {
    Packet p = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    if (p == null) {
      throw new AssertionError("no " + type + " within " + WAIT_SECONDS + " s");
    }
    if (p.type() != type) {
      throw new AssertionError("expected " + type + " but got " + p.type() + " " + p.topic());
    }
    return p;
  }

  /** Acknowledges a QoS 1 PUBLISH from the hub. */
  void puback(Packet publish) {
    MqttPublishMessage m = (MqttPublishMessage) publish.message();
    channel.writeAndFlush(MqttMessageBuilders.pubAck().packetId(m.variableHeader().packetId()).build());
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(WAIT_SECONDS, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(WAIT_SECONDS, TimeUnit.SECONDS);
  }
}
