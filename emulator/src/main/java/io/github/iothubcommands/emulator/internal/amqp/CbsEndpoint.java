package io.github.iothubcommands.emulator.internal.amqp;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.message.Message;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The claims-based security node {@code $cbs}: put-token requests arrive on the client's sender link; the
 * reply, correlated by the request's message id, goes back on its {@code $cbs} receiver link in the same
 * session.
 */
final class CbsEndpoint implements Endpoint {
  private static final Logger LOG = LoggerFactory.getLogger(CbsEndpoint.class);
  static final int CREDIT = 10;
  static final String SAS_TOKEN_TYPE = "servicebus.windows.net:sastoken";

  /** Where the replies of one session go; the reply link may attach after the first request. */
  static final class Replies {
    @Nullable Outbox outbox;
    final Deque<byte[]> pending = new ArrayDeque<>();

    void send(byte[] reply) {
      if (outbox != null) {
        outbox.send(reply, null);
      } else {
        pending.add(reply);
      }
    }

    void attach(Outbox box) {
      outbox = box;
      while (!pending.isEmpty()) {
        box.send(pending.poll(), null);
      }
    }
  }

  private final Receiver receiver;
  private final AmqpConnection connection;
  private final Replies replies;

  CbsEndpoint(Receiver receiver, AmqpConnection connection, Replies replies) {
    this.receiver = receiver;
    this.connection = connection;
    this.replies = replies;
  }

  @Override
  public void onDelivery(Delivery d) {
    Message request = AmqpCodec.read(receiver, d);
    if (request == null) {
      return;
    }
    d.disposition(Accepted.getInstance());
    d.settle();
    receiver.flow(1);

    Map<String, Object> ap = AmqpCodec.applicationProperties(request);
    String operation = AmqpCodec.string(ap.get("operation"));
    String type = AmqpCodec.string(ap.get("type"));
    int status;
    String description;
    if (!"put-token".equals(operation)) {
      status = 400;
      description = "unsupported operation " + operation;
    } else if (!SAS_TOKEN_TYPE.equals(type)) {
      status = 401; // bearer tokens (Microsoft Entra ID) are not emulated
      description = "unsupported token type " + type;
    } else {
      Object token = request.getBody() instanceof AmqpValue v ? v.getValue() : null;
      CbsGrant grant;
      try {
        grant = connection.authenticate(AmqpCodec.string(ap.get("name")), token instanceof String s ? s : null);
      } catch (RuntimeException e) { // every put-token gets an answer, whatever goes wrong in the check
        LOG.warn("put-token check failed: {}", e.getClass().getName());
        grant = new CbsGrant.Refused("the token could not be checked");
      }
      if (grant instanceof CbsGrant.Refused r) {
        status = 401;
        description = r.reason();
      } else {
        status = 200;
        description = "OK";
      }
    }
    LOG.debug("put-token for {}: {} {}", ap.get("name"), status, description);

    Message reply = Proton.message();
    Properties p = new Properties();
    Properties rp = request.getProperties();
    if (rp != null) {
      p.setCorrelationId(rp.getMessageId()); // the SDKs cast it back to java.util.UUID
      p.setTo(rp.getReplyTo());
    }
    reply.setProperties(p);
    Map<String, Object> props = new HashMap<>();
    props.put("status-code", status); // must be an AMQP int
    props.put("status-description", description);
    reply.setApplicationProperties(new ApplicationProperties(props));
    replies.send(AmqpCodec.encode(reply));
  }
}
