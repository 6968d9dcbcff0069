package io.github.iothubcommands.emulator.internal.amqp;

import io.github.iothubcommands.HubException;
import io.github.iothubcommands.emulator.internal.MethodPayloads;
import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.engine.DeliveredMessage;
import io.github.iothubcommands.engine.DeviceEndpoint;
import io.github.iothubcommands.engine.DeviceSession;
import io.github.iothubcommands.engine.HubEngine;
import io.github.iothubcommands.engine.MethodRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Modified;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Released;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One authenticated device on one connection: the links it attached under {@code /devices/{id}/} and its
 * engine session, open while it has any link. C2D delivery starts with its {@code messages/devicebound}
 * link, methods once both {@code methods/devicebound} links are attached. Telemetry and twin links are
 * attached (the SDK reports CONNECTED only when all its links are) and their messages accepted and dropped.
 */
final class DeviceLinks {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceLinks.class);
  private static final int RECEIVER_CREDIT = 100;
  private static final Symbol LINK_STOLEN = Symbol.valueOf("amqp:link:stolen");
  private static final Symbol ENQUEUED_TIME = Symbol.valueOf("iothub-enqueuedtime");
  private static final Symbol DELIVERY_COUNT = Symbol.valueOf("iothub-deliverycount");
  static final String METHOD_NAME = "IoThub-methodname";
  static final String METHOD_STATUS = "IoThub-status";

  private final String deviceId;
  private final HubEngine engine;
  private final AmqpConnection connection;
  private final Set<Link> links = new HashSet<>();
  private @Nullable DeviceSession session;
  private @Nullable Outbox c2d;
  private @Nullable Outbox methodRequests;
  private @Nullable Link methodResponses;
  private boolean methodsSubscribed;
  /** Method calls sent to the device, on this connection or an earlier one. */
  private final MethodCalls calls;

  DeviceLinks(String deviceId, HubEngine engine, AmqpConnection connection, MethodCalls calls) {
    this.deviceId = deviceId;
    this.engine = engine;
    this.connection = connection;
    this.calls = calls;
  }

  /**
   * Opens the engine session on the first link.
   *
   * @param kind {@code messages/devicebound}, {@code messages/events}, {@code methods/devicebound} or {@code twin}
   * @throws HubException if the engine refuses the device: unknown, or disabled
   */
  void attach(String kind, Link link) {
    DeviceSession s = session;
    if (s == null) {
      HubSide hubSide = new HubSide();
      s = engine.connect(deviceId, hubSide);
      hubSide.own = s;
      session = s;
      methodsSubscribed = false;
      LOG.debug("device {} connected over AMQP", deviceId);
    }
    Endpoint ep;
    if (kind.equals("messages/devicebound") && link instanceof Sender sender) {
      Outbox box = new Outbox(sender, () -> detached(link));
      c2d = box;
      ep = box;
    } else if (kind.equals("methods/devicebound") && link instanceof Sender sender) {
      Outbox box = new Outbox(sender, () -> detached(link));
      methodRequests = box;
      ep = box;
    } else if (kind.equals("methods/devicebound") && link instanceof Receiver receiver) {
      methodResponses = link;
      ep = new Inbound(receiver, this::methodResponse, () -> detached(link));
    } else if (link instanceof Receiver receiver) {
      ep = new Inbound(receiver, m -> { }, () -> detached(link)); // telemetry, twin requests: dropped
    } else {
      ep = new Outbox((Sender) link, () -> detached(link)); // twin responses: never sent
    }
    link.setContext(ep);
    links.add(link);
    if (ep == c2d) {
      s.subscribeMessages();
    }
    if (methodRequests != null && methodResponses != null && !methodsSubscribed) {
      methodsSubscribed = true; // the engine has no unsubscribe: calls made while a link is missing time out
      s.subscribeMethods();
    }
  }

  // ---------------------------------------------------------------- engine → device (on the loop)

  private void sendMessage(DeviceSession from, DeliveredMessage dm) {
    Outbox box = c2d;
    if (from != session || box == null) {
      return; // the lock lapses and the message returns to the queue
    }
    if (!connection.identityStands(deviceId)) {
      connection.revokeIfStale(deviceId); // nothing goes out under a grant whose identity changed
      return;
    }
    CloudToDeviceMessage c = dm.message();
    Message m = Proton.message();
    Properties p = new Properties();
    p.setMessageId(c.messageId());
    p.setTo("/devices/" + deviceId + "/messages/devicebound");
    p.setAbsoluteExpiryTime(Date.from(c.expiryTime()));
    p.setContentType(Symbol.valueOf(c.contentType()));
    m.setProperties(p);
    Map<String, Object> ap = new HashMap<>(c.properties());
    ap.put(C2dIntake.ACK, c.acknowledgement().wireValue());
    m.setApplicationProperties(new ApplicationProperties(ap));
    Map<Symbol, Object> annotations = new HashMap<>();
    annotations.put(ENQUEUED_TIME, Date.from(dm.enqueuedTime()));
    annotations.put(DELIVERY_COUNT, dm.deliveryCount());
    m.setMessageAnnotations(new MessageAnnotations(annotations));
    m.setBody(new Data(new Binary(c.payload())));
    String token = dm.lockToken();
    box.send(token.getBytes(StandardCharsets.UTF_8), AmqpCodec.encode(m), state -> settle(from, token, state));
  }

  private void settle(DeviceSession from, String lockToken, @Nullable DeliveryState state) {
    if (state instanceof Accepted) {
      from.complete(lockToken);
    } else if (state instanceof Rejected) {
      from.reject(lockToken);
    } else if (state instanceof Released || state instanceof Modified) {
      from.abandon(lockToken);
    }
    // null: the link went away unsettled; the lock lapses and the message returns to the queue
  }

  private void sendMethod(DeviceSession from, MethodRequest request) {
    Outbox box = methodRequests;
    if (from != session || box == null) {
      return; // the call times out
    }
    if (!connection.identityStands(deviceId)) {
      connection.revokeIfStale(deviceId);
      return;
    }
    UUID correlationId = calls.sent(deviceId, request.requestId(), request.responseTimeout());
    Message m = Proton.message();
    Properties p = new Properties();
    p.setMessageId(UUID.randomUUID().toString());
    p.setCorrelationId(correlationId);
    m.setProperties(p);
    m.setApplicationProperties(new ApplicationProperties(Map.of(METHOD_NAME, request.methodName())));
    m.setBody(new Data(new Binary(request.payloadJson().getBytes(StandardCharsets.UTF_8))));
    box.send(AmqpCodec.encode(m), null);
  }

  private void methodResponse(Message m) {
    Object cid = m.getProperties() == null ? null : m.getProperties().getCorrelationId();
    String requestId = cid instanceof UUID u ? calls.answered(deviceId, u) : null;
    DeviceSession s = session;
    if (requestId == null || s == null) {
      LOG.debug("device {} answered unknown method call {}", deviceId, cid);
      return;
    }
    Object status = AmqpCodec.applicationProperties(m).get(METHOD_STATUS);
    s.respond(requestId, status instanceof Number n ? n.intValue() : 500, MethodPayloads.fromDevice(AmqpCodec.body(m)));
  }

  /** The engine ended the session (the device connected elsewhere, was disabled or deleted): detach every link. */
  private void kick(DeviceSession from, String reason) {
    if (from == session) {
      detachAll(LINK_STOLEN, reason);
    }
  }

  /** Detaches every link of the device with {@code condition}; the last one closes its session. */
  void detachAll(Symbol condition, String reason) {
    for (Link l : new ArrayList<>(links)) {
      if (l.getLocalState() != EndpointState.CLOSED) {
        l.setCondition(new ErrorCondition(condition, reason));
        l.close();
      }
      connection.closeEndpoint(l);
    }
  }

  // ---------------------------------------------------------------- link bookkeeping

  private void detached(Link link) {
    links.remove(link);
    if (c2d != null && c2d.sender() == link) {
      c2d = null;
    }
    if (methodRequests != null && methodRequests.sender() == link) {
      methodRequests = null;
    }
    if (methodResponses == link) {
      methodResponses = null;
    }
    if (links.isEmpty()) {
      close();
      connection.forget(deviceId, this);
    }
  }

  /** The connection is gone, or the device's last link. */
  void close() {
    DeviceSession s = session;
    session = null; // its method calls stay awaited: the device may answer them after reconnecting
    if (s != null) {
      s.close();
      LOG.debug("device {} disconnected from AMQP", deviceId);
    }
  }

  /** The engine's view of this device; it may call from any thread. */
  private final class HubSide implements DeviceEndpoint {
    volatile @Nullable DeviceSession own;

    private void onLoop(Consumer<DeviceSession> action) {
      DeviceSession expected = own;
      if (expected != null) {
        connection.runOnLoop(() -> action.accept(expected));
      }
    }

    @Override
    public void deliverMessage(DeliveredMessage message) {
      onLoop(s -> sendMessage(s, message));
    }

    @Override
    public void invokeMethod(MethodRequest request) {
      onLoop(s -> sendMethod(s, request));
    }

    @Override
    public void disconnected(String reason) {
      onLoop(s -> kick(s, reason));
    }
  }

  /** A receiver link whose messages are accepted and handed to a consumer. */
  private static final class Inbound implements Endpoint {
    private final Receiver receiver;
    private final Consumer<Message> consumer;
    private final Runnable onClosed;

    Inbound(Receiver receiver, Consumer<Message> consumer, Runnable onClosed) {
      this.receiver = receiver;
      this.consumer = consumer;
      this.onClosed = onClosed;
      receiver.flow(RECEIVER_CREDIT);
    }

    @Override
    public void onDelivery(Delivery d) {
      Message m = AmqpCodec.read(receiver, d);
      if (m == null) {
        return;
      }
      d.disposition(Accepted.getInstance());
      d.settle();
      if (receiver.getCredit() < RECEIVER_CREDIT / 2) {
        receiver.flow(RECEIVER_CREDIT - receiver.getCredit());
      }
      consumer.accept(m);
    }

    @Override
    public void onClosed() {
      onClosed.run();
    }
  }
}
