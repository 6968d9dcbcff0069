package io.github.iothubcommands.emulator.internal.amqp;

import java.util.UUID;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.jspecify.annotations.Nullable;

/**
 * A service's feedback link ({@code /messages/servicebound/feedback}): one transfer per batch, body a Data
 * section with the JSON array. {@code Accepted} (or {@code Rejected}) settles the batch; anything else, or
 * the link's loss, hands it back to the dispatcher.
 */
final class FeedbackLink implements Endpoint, FeedbackDispatcher.Taker {
  private static final Symbol CONTENT_TYPE = Symbol.valueOf("application/vnd.microsoft.iothub.feedback.json");

  private final Outbox outbox;
  private final AmqpConnection connection;
  private final FeedbackDispatcher dispatcher;
  private boolean waiting;
  private boolean busy;

  FeedbackLink(Sender sender, AmqpConnection connection, FeedbackDispatcher dispatcher) {
    this.connection = connection;
    this.dispatcher = dispatcher;
    this.outbox = new Outbox(sender, () -> {
      dispatcher.remove(this);
      dispatcher.linkDetached();
    });
    dispatcher.linkAttached();
  }

  /** Any thread. */
  @Override
  public void take(FeedbackDispatcher.Batch batch) {
    connection.runOnLoop(() -> send(batch), () -> dispatcher.requeue(batch));
  }

  private void send(FeedbackDispatcher.Batch batch) {
    waiting = false;
    if (outbox.isClosed()) {
      dispatcher.requeue(batch);
      return;
    }
    busy = true;
    Message m = Proton.message();
    Properties p = new Properties();
    p.setMessageId(UUID.randomUUID().toString());
    p.setContentType(CONTENT_TYPE);
    m.setProperties(p);
    m.setBody(new Data(new Binary(batch.json())));
    outbox.send(AmqpCodec.encode(m), state -> settled(batch, state));
  }

  private void settled(FeedbackDispatcher.Batch batch, @Nullable DeliveryState state) {
    busy = false;
    if (!(state instanceof Accepted) && !(state instanceof Rejected)) {
      dispatcher.requeue(batch);
    }
    if (!outbox.isClosed()) {
      onFlow();
    }
  }

  @Override
  public void onFlow() {
    outbox.onFlow();
    if (!busy && !waiting && outbox.sender().getCredit() > 0 && !outbox.isClosed()) {
      waiting = true;
      dispatcher.ready(this);
    }
  }

  @Override
  public void onDelivery(Delivery d) {
    outbox.onDelivery(d);
  }

  @Override
  public void onClosed() {
    outbox.onClosed();
  }
}
