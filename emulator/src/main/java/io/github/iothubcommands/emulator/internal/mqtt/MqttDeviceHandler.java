package io.github.iothubcommands.emulator.internal.mqtt;

import io.github.iothubcommands.HubException;
import io.github.iothubcommands.emulator.internal.DeviceChannels;
import io.github.iothubcommands.emulator.internal.MethodPayloads;
import io.github.iothubcommands.emulator.internal.OpenDeadline;
import io.github.iothubcommands.emulator.internal.auth.CredentialWatch;
import io.github.iothubcommands.emulator.internal.auth.DeviceCredential;
import io.github.iothubcommands.emulator.internal.auth.SasVerifier;
import io.github.iothubcommands.engine.DeliveredMessage;
import io.github.iothubcommands.engine.DeviceEndpoint;
import io.github.iothubcommands.engine.DeviceSession;
import io.github.iothubcommands.engine.HubEngine;
import io.github.iothubcommands.engine.MethodRequest;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubAckMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device connection: MQTT packets in, engine calls out ({@link DeviceSession}); engine deliveries in
 * ({@link DeviceEndpoint}), MQTT packets out. Inbound packets run on the channel's event loop; the engine
 * may call the endpoint methods from any thread, and they only enqueue writes on the channel.
 */
final class MqttDeviceHandler extends SimpleChannelInboundHandler<MqttMessage> implements DeviceEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(MqttDeviceHandler.class);
  static final String METHODS_FILTER = "$iothub/methods/POST/#";
  static final String METHOD_RESPONSE_PREFIX = "$iothub/methods/res/";
  static final String TWIN_PREFIX = "$iothub/twin/";

  private final HubEngine engine;
  private final SasVerifier verifier;
  private final CredentialWatch credentials;
  private final MqttSessions sessions;
  private final DeviceChannels channels;
  /** Ends the connection when the identity its CONNECT was checked against changes; set at CONNECT. */
  private @Nullable AutoCloseable credentialWatch;
  private @Nullable Channel channel;
  private volatile @Nullable String deviceId;
  private volatile @Nullable DeviceSession session;
  /** This connection's hold on the device's MQTT session (its subscriptions), set at CONNECT. */
  private MqttSessions.@Nullable Opened mqttSession;
  /** Topics naming the device, set at CONNECT; read on the event loop only. */
  private PropertyBag.@Nullable C2dTopics c2dTopics;
  private @Nullable String eventsPrefix;
  /** MQTT packet id of an unacknowledged C2D publish → the delivery's lock token; on the event loop only. */
  private final Map<Integer, String> c2dInFlight = new HashMap<>();
  private int nextPacketId;

  MqttDeviceHandler(HubEngine engine, SasVerifier verifier, CredentialWatch credentials, MqttSessions sessions,
      DeviceChannels channels) {
    this.channels = channels;
    this.engine = engine;
    this.verifier = verifier;
    this.credentials = credentials;
    this.sessions = sessions;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    channel = ctx.channel();
    super.channelActive(ctx);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
    if (msg.decoderResult().isFailure()) {
      LOG.debug("Undecodable MQTT packet from {}, closing: {}", deviceId, msg.decoderResult().cause().toString());
      ctx.close();
      return;
    }
    MqttMessageType type = msg.fixedHeader().messageType();
    DeviceSession s = session;
    if (s == null) {
      if (type == MqttMessageType.CONNECT) {
        onConnect(ctx, (MqttConnectMessage) msg);
      } else {
        ctx.close(); // MQTT-3.1.0-1: the first packet is CONNECT
      }
      return;
    }
    switch (type) {
      case SUBSCRIBE -> onSubscribe(ctx, s, (MqttSubscribeMessage) msg);
      case UNSUBSCRIBE -> onUnsubscribe(ctx, (MqttUnsubscribeMessage) msg);
      case PUBLISH -> onPublish(ctx, s, (MqttPublishMessage) msg);
      case PUBACK -> {
        String lockToken = c2dInFlight.remove(((MqttMessageIdVariableHeader) msg.variableHeader()).messageId());
        if (lockToken != null) {
          s.complete(lockToken); // MQTT has one settlement: PUBACK completes
        }
      }
      case PINGREQ -> ctx.writeAndFlush(MqttMessage.PINGRESP);
      case DISCONNECT -> { // a goodbye ends the session too (see MqttSessions); a lost connection keeps it
        MqttSessions.Opened held = mqttSession;
        String id = deviceId;
        if (held != null && id != null) {
          sessions.discard(id, held);
        }
        ctx.close();
      }
      default -> { // a second CONNECT, QoS 2 packets, server-only packets
        LOG.debug("Unexpected MQTT packet {} from {}, closing", type, deviceId);
        ctx.close();
      }
    }
  }

  // ---------------------------------------------------------------- CONNECT

  private void onConnect(ChannelHandlerContext ctx, MqttConnectMessage m) {
    if (m.variableHeader().version() != 4) {
      refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION);
      return;
    }
    String clientId = m.payload().clientIdentifier();
    if (clientId == null || clientId.isEmpty() || clientId.contains("/")) {
      // {deviceId}/{moduleId} would be a module identity: modules are not emulated.
      refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
      return;
    }
    String userName = m.payload().userName();
    byte[] password = m.payload().passwordInBytes();
    // user name: {hostName}/{deviceId}/?api-version=…&DeviceClientType=…
    String[] parts = userName == null ? new String[0] : userName.split("/", 3);
    SasVerifier.Result auth;
    if (parts.length < 3 || !parts[1].equals(clientId)) {
      auth = new SasVerifier.Result(false, "user name does not start with {host}/" + clientId + "/");
    } else {
      auth = verifier.checkDevice(clientId, parts[0],
          password == null ? null : new String(password, StandardCharsets.UTF_8));
    }
    if (!auth.ok()) {
      LOG.info("Refusing MQTT connection of device {}: {}", clientId, auth.reason());
      refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
      return;
    }
    DeviceCredential credential = auth.credential();
    if (credential == null) { // an accepted device token always names its identity
      refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE);
      return;
    }
    try {
      session = engine.connect(clientId, this);
    } catch (HubException e) { // deleted or disabled between the check and now, or engine closed
      LOG.info("Refusing MQTT connection of device {}: {}", clientId, e.getMessage());
      refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
      return;
    } catch (RuntimeException e) { // every CONNECT gets a CONNACK, whatever goes wrong
      LOG.warn("Refusing MQTT connection of device {}: {}", clientId, e.getClass().getName());
      refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE);
      return;
    }
    deviceId = clientId;
    MqttSessions.Opened opened = sessions.open(credential, m.variableHeader().isCleanSession(),
        engine.device(clientId));
    MqttSessions.Session kept = opened.session();
    mqttSession = opened;
    channels.track(clientId, ctx.channel());
    watchCredential(ctx, credential);
    c2dTopics = new PropertyBag.C2dTopics(clientId);
    eventsPrefix = "devices/" + clientId + "/messages/events/";
    // Replace the connect timeout by the keep-alive watchdog (MQTT-3.1.2-24: 1.5 × keep-alive).
    int keepAlive = m.variableHeader().keepAliveTimeSeconds();
    OpenDeadline.opened(ctx.pipeline());
    if (keepAlive > 0) {
      ctx.pipeline().addBefore(MqttDeviceServer.DECODER, "keepAlive",
          new IdleStateHandler(keepAlive * 1500L, 0, 0, TimeUnit.MILLISECONDS));
    }
    // CONNACK first on the wire, but a resumed session's subscriptions in the engine before the device can
    // read it: a method sent as soon as the device is back must find it subscribed.
    ctx.write(MqttMessageBuilders.connAck().returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
        .sessionPresent(opened.present()).build());
    if (opened.present()) {
      DeviceSession s = session;
      if (s != null && kept.messages) {
        s.subscribeMessages();
      }
      if (s != null && kept.methods) {
        s.subscribeMethods();
      }
    }
    ctx.flush();
    LOG.debug("Device {} connected over MQTT, keep-alive {} s, session {}", clientId, keepAlive,
        opened.present() ? "resumed" : kept.persistent ? "new, kept" : "clean");
  }

  /**
   * The emulator's answer to a key change on a connected MQTT device: the connection authorized with a key
   * the device no longer has (or a registration it no longer has) is closed, as AMQP detaches the links of
   * such a grant; the device reconnects with its new key, or is refused. A change of the other key keeps it.
   */
  private void watchCredential(ChannelHandlerContext ctx, @Nullable DeviceCredential credential) {
    if (credential == null) {
      return;
    }
    Runnable recheck = () -> {
      if (!credential.isCurrent(engine.device(credential.deviceId()))) {
        LOG.debug("Closing MQTT connection of {}: the key it connected with is no longer valid",
            credential.deviceId());
        ctx.channel().close();
      }
    };
    credentialWatch = credentials.watch(credential.deviceId(), recheck);
    recheck.run(); // a change between the check and the watch
  }

  private static void refuse(ChannelHandlerContext ctx, MqttConnectReturnCode code) {
    ctx.writeAndFlush(MqttMessageBuilders.connAck().returnCode(code).sessionPresent(false).build())
        .addListener(ChannelFutureListener.CLOSE);
  }

  // ---------------------------------------------------------------- SUBSCRIBE

  private void onSubscribe(ChannelHandlerContext ctx, DeviceSession s, MqttSubscribeMessage m) {
    String c2dFilter = c2dTopics == null ? null : c2dTopics.filter;
    int[] granted = new int[m.payload().topicSubscriptions().size()];
    boolean messages = false;
    boolean methods = false;
    int i = 0;
    for (MqttTopicSubscription sub : m.payload().topicSubscriptions()) {
      String filter = sub.topicFilter();
      int qos = Math.min(sub.qualityOfService().value(), 1); // IoT Hub has no QoS 2
      if (filter.equals(c2dFilter)) {
        messages = true;
      } else if (filter.equals(METHODS_FILTER)) {
        methods = true;
      } else if (!filter.startsWith(TWIN_PREFIX)) { // twin subscriptions are granted, twin is not emulated
        qos = MqttQoS.FAILURE.value();
      }
      granted[i++] = qos;
    }
    // SUBACK first on the wire (written, so a waiting method request dispatched by the engine below queues
    // behind it), but flushed only once the engine holds the subscription: a method sent the moment the device
    // reads SUBACK must find it subscribed (else 404103), as CONNACK does for a resumed session.
    ctx.write(new MqttSubAckMessage(fixed(MqttMessageType.SUBACK),
        MqttMessageIdVariableHeader.from(m.variableHeader().messageId()), new MqttSubAckPayload(granted)));
    MqttSessions.Opened held = mqttSession;
    if (held != null) {
      held.subscribed(messages, methods);
    }
    try {
      if (messages) {
        s.subscribeMessages();
      }
      if (methods) {
        s.subscribeMethods();
      }
    } finally {
      ctx.flush();
    }
  }

  /**
   * Acknowledges, and takes the topics out of the kept session, so they are not resumed. The open connection
   * goes on receiving: the engine has no unsubscribe, as IoT Hub keeps delivering C2D to a connected device.
   */
  private void onUnsubscribe(ChannelHandlerContext ctx, MqttUnsubscribeMessage m) {
    MqttSessions.Opened held = mqttSession;
    MqttSessions.Session kept = held != null && held.holds() ? held.session() : null;
    if (kept != null && c2dTopics != null) {
      for (String filter : m.payload().topics()) {
        if (filter.equals(c2dTopics.filter)) {
          kept.messages = false;
        } else if (filter.equals(METHODS_FILTER)) {
          kept.methods = false;
        }
      }
    }
    ctx.writeAndFlush(new MqttUnsubAckMessage(fixed(MqttMessageType.UNSUBACK),
        MqttMessageIdVariableHeader.from(m.variableHeader().messageId())));
  }

  // ---------------------------------------------------------------- PUBLISH from the device

  private void onPublish(ChannelHandlerContext ctx, DeviceSession s, MqttPublishMessage m) {
    String topic = m.variableHeader().topicName();
    MqttQoS qos = m.fixedHeader().qosLevel();
    if (qos == MqttQoS.EXACTLY_ONCE) {
      ctx.close();
      return;
    }
    if (topic.startsWith(METHOD_RESPONSE_PREFIX)) {
      if (!onMethodResponse(s, topic.substring(METHOD_RESPONSE_PREFIX.length()), m)) {
        LOG.debug("Malformed method response topic {} from {}, closing", topic, deviceId);
        ctx.close();
        return;
      }
    } else if (eventsPrefix != null && topic.startsWith(eventsPrefix)) {
      LOG.debug("Telemetry from {} dropped (not emulated)", deviceId);
    } else if (topic.startsWith(TWIN_PREFIX)) {
      LOG.debug("Twin operation {} from {} ignored (not emulated)", topic, deviceId);
    } else {
      LOG.debug("Publish on unknown topic {} from {}, closing", topic, deviceId);
      ctx.close();
      return;
    }
    if (qos == MqttQoS.AT_LEAST_ONCE) {
      ctx.writeAndFlush(new MqttPubAckMessage(fixed(MqttMessageType.PUBACK),
          MqttMessageIdVariableHeader.from(m.variableHeader().packetId())));
    }
  }

  /** {@code {status}/?$rid={rid}}. */
  private static boolean onMethodResponse(DeviceSession s, String rest, MqttPublishMessage m) {
    int slash = rest.indexOf('/');
    int q = rest.indexOf('?');
    if (slash < 0 || q < slash) {
      return false;
    }
    int status;
    try {
      status = Integer.parseInt(rest.substring(0, slash));
    } catch (NumberFormatException e) {
      return false;
    }
    String rid = PropertyBag.parse(rest.substring(q + 1)).get("$rid");
    if (rid == null) {
      return false;
    }
    if (!s.respond(rid, status, MethodPayloads.fromDevice(ByteBufUtil.getBytes(m.payload())))) {
      LOG.debug("Late or unknown method response {} dropped", rid);
    }
    return true;
  }

  // ---------------------------------------------------------------- DeviceEndpoint (engine → device)

  @Override
  public void invokeMethod(MethodRequest request) {
    Channel ch = channel;
    if (ch == null) {
      return;
    }
    // The hub sends method requests with QoS 0: the SDK does not acknowledge them.
    String topic = "$iothub/methods/POST/" + request.methodName() + "/?$rid=" + request.requestId();
    ch.writeAndFlush(new MqttPublishMessage(fixed(MqttMessageType.PUBLISH),
        new MqttPublishVariableHeader(topic, 0),
        Unpooled.wrappedBuffer(request.payloadJson().getBytes(StandardCharsets.UTF_8))));
  }

  @Override
  public void deliverMessage(DeliveredMessage message) {
    Channel ch = channel;
    if (ch == null) {
      return;
    }
    ch.eventLoop().execute(() -> {
      PropertyBag.C2dTopics topics = c2dTopics;
      if (topics == null) {
        return;
      }
      int packetId = allocatePacketId();
      c2dInFlight.put(packetId, message.lockToken());
      ch.writeAndFlush(new MqttPublishMessage(
          new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.AT_LEAST_ONCE, false, 0),
          new MqttPublishVariableHeader(topics.topic(message.message()), packetId),
          Unpooled.wrappedBuffer(message.message().payload())));
    });
  }

  /** On the event loop. */
  private int allocatePacketId() {
    do {
      nextPacketId = nextPacketId >= 65535 ? 1 : nextPacketId + 1;
    } while (c2dInFlight.containsKey(nextPacketId));
    return nextPacketId;
  }

  /** The engine ended the session: the device connected again elsewhere, was disabled or deleted. */
  @Override
  public void disconnected(String reason) {
    Channel ch = channel;
    if (ch != null) {
      LOG.debug("Closing MQTT connection of {}: {}", deviceId, reason);
      ch.close();
    }
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      LOG.debug("MQTT client {} silent past 1.5 times its keep-alive, closing", deviceId);
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    AutoCloseable watch = credentialWatch;
    if (watch != null) {
      watch.close();
    }
    DeviceSession s = session;
    if (s != null) {
      s.close(); // a locked message returns to the queue when its lock expires (engine semantics)
    }
    MqttSessions.Opened held = mqttSession;
    String id = deviceId;
    if (held != null && id != null) {
      sessions.closed(id, held);
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("MQTT connection of {} failed: {}", deviceId, cause.toString());
    ctx.close();
  }

  private static MqttFixedHeader fixed(MqttMessageType type) {
    return new MqttFixedHeader(type, false, MqttQoS.AT_MOST_ONCE, false, 0);
  }
}
