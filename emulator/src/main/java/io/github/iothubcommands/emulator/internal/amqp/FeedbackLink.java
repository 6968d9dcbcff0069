package io.github.iothubcommands.emulator.internal.amqp;

import io.github.iothubcommands.engine.DeviceInfo;
import io.github.iothubcommands.engine.HubEngine;
import io.github.iothubcommands.spi.FeedbackRecord;
import io.github.iothubcommands.spi.FeedbackSubscription;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
 * A service's feedback link ({@code /messages/servicebound/feedback}): one of the engine's competing feedback
 * receivers while it is attached, so without AMQP feedback clients the engine's other receivers get every
 * batch. One transfer per batch, body a Data section with the JSON array; the engine sends the next batch only
 * once the client settled this one. {@code Accepted} (or {@code Rejected}) takes the batch; {@code Released}
 * or {@code Modified} (the SDK's ABANDON), or the link's loss, fails its stage, so the engine abandons it and
 * delivers it again to the next receiver, up to its maximum feedback delivery count.
 */
final class FeedbackLink implements Endpoint {
  private static final Symbol CONTENT_TYPE = Symbol.valueOf("application/vnd.microsoft.iothub.feedback.json");

  private final Outbox outbox;
  private final AmqpConnection connection;
  private final HubEngine engine;
  private final FeedbackSubscription subscription;

  FeedbackLink(Sender sender, AmqpConnection connection, HubEngine engine) {
    this.connection = connection;
    this.engine = engine;
    this.outbox = new Outbox(sender, () -> { });
    this.subscription = engine.subscribeFeedback(this::receive);
  }

  /** Any thread: the engine hands this link a batch. */
  private CompletionStage<Void> receive(List<FeedbackRecord> records) {
    byte[] json = AmqpCodec.feedbackJson(records,
        id -> engine.device(id).map(DeviceInfo::generationId).orElse(""));
    CompletableFuture<Void> taken = new CompletableFuture<>();
    connection.runOnLoop(() -> send(json, taken),
        () -> taken.completeExceptionally(new IllegalStateException("the feedback link's connection closed")));
    return taken;
  }

  private void send(byte[] json, CompletableFuture<Void> taken) {
    Message m = Proton.message();
    Properties p = new Properties();
    p.setMessageId(UUID.randomUUID().toString());
    p.setContentType(CONTENT_TYPE);
    m.setProperties(p);
    m.setBody(new Data(new Binary(json)));
    outbox.send(AmqpCodec.encode(m), state -> settled(state, taken));
  }

  private static void settled(@Nullable DeliveryState state, CompletableFuture<Void> taken) {
    if (state instanceof Accepted || state instanceof Rejected) {
      taken.complete(null);
    } else {
      taken.completeExceptionally(new IllegalStateException(state == null
          ? "the feedback link went away before the client settled the batch"
          : "the client settled the batch " + state.getType() + " (abandoned)"));
    }
  }

  @Override
  public void onFlow() {
    outbox.onFlow();
  }

  @Override
  public void onDelivery(Delivery d) {
    outbox.onDelivery(d);
  }

  @Override
  public void onClosed() {
    subscription.close(); // first, so the batch failed below goes to another receiver, not back here
    outbox.onClosed();
  }
}
