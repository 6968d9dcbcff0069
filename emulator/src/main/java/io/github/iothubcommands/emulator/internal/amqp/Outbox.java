package io.github.iothubcommands.emulator.internal.amqp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Sender;
import org.jspecify.annotations.Nullable;

/**
 * The queue of one sender link: messages go out as the peer grants credit, and each one's callback learns
 * the peer's outcome ({@code Accepted}, {@code Released}, {@code Modified}, {@code Rejected}), or {@code null}
 * when the link went away first.
 */
final class Outbox implements Endpoint {

  /** Told the peer's outcome of one message. */
  @FunctionalInterface
  interface Outcome {
    void settled(@Nullable DeliveryState state);
  }

  private record Outgoing(byte[] tag, byte[] encoded, @Nullable Outcome outcome) {}

  private final Sender sender;
  private final Runnable onClosed;
  private final Deque<Outgoing> queue = new ArrayDeque<>();
  private final Map<Delivery, Outgoing> inFlight = new LinkedHashMap<>();
  private long nextTag;
  private boolean closed;

  Outbox(Sender sender, Runnable onClosed) {
    this.sender = sender;
    this.onClosed = onClosed;
  }

  Sender sender() {
    return sender;
  }

  boolean isClosed() {
    return closed;
  }

  void send(byte[] encoded, @Nullable Outcome outcome) {
    send(Long.toString(nextTag++).getBytes(StandardCharsets.US_ASCII), encoded, outcome);
  }

  void send(byte[] tag, byte[] encoded, @Nullable Outcome outcome) {
    if (closed) {
      if (outcome != null) {
        outcome.settled(null);
      }
      return;
    }
    queue.add(new Outgoing(tag, encoded, outcome));
    pump();
  }

  private void pump() {
    while (!queue.isEmpty() && sender.getCredit() > 0) {
      Outgoing o = queue.poll();
      Delivery d = sender.delivery(o.tag());
      sender.send(o.encoded(), 0, o.encoded().length);
      sender.advance();
      if (sender.getSenderSettleMode() == SenderSettleMode.SETTLED) {
        d.settle();
        if (o.outcome() != null) {
          o.outcome().settled(null);
        }
      } else {
        inFlight.put(d, o);
      }
    }
  }

  @Override
  public void onFlow() {
    pump();
  }

  @Override
  public void onDelivery(Delivery d) {
    if (d.getRemoteState() == null && !d.remotelySettled()) {
      return;
    }
    Outgoing o = inFlight.remove(d);
    DeliveryState state = d.getRemoteState();
    d.settle();
    if (o != null && o.outcome() != null) {
      o.outcome().settled(state);
    }
  }

  @Override
  public void onClosed() {
    if (closed) {
      return;
    }
    closed = true;
    List<Outgoing> dropped = new ArrayList<>(inFlight.values());
    dropped.addAll(queue);
    inFlight.clear();
    queue.clear();
    for (Outgoing o : dropped) {
      if (o.outcome() != null) {
        o.outcome().settled(null);
      }
    }
    onClosed.run();
  }
}
