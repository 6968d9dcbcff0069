package io.github.iothubcommands.testkit;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link SimulatedDevice} does with a cloud-to-device message: settle it (complete, abandon,
 * reject; possibly late), hold it until its lock expires, or drop its connection.
 *
 * <pre>{@code
 * device.replyToMessages(MessageReply.abandon(), MessageReply.complete()); // the next two messages
 * device.onMessage(message -> MessageReply.reject());                      // every message after those
 * }</pre>
 */
public sealed interface MessageReply permits MessageReply.Settle, MessageReply.Stall, MessageReply.Disconnect {

  /** How a device settles a message. */
  enum Disposition {
    /** The message leaves the queue; feedback {@code Success}. */
    COMPLETE,
    /** The message returns to the queue (delivery count permitting). */
    ABANDON,
    /** The message leaves the queue; feedback {@code Rejected}. */
    REJECT
  }

  /**
   * Completes the message at once.
   *
   * @return the reply
   */
  static Settle complete() {
    return new Settle(Disposition.COMPLETE, Duration.ZERO);
  }

  /**
   * Abandons the message at once.
   *
   * @return the reply
   */
  static Settle abandon() {
    return new Settle(Disposition.ABANDON, Duration.ZERO);
  }

  /**
   * Rejects the message at once.
   *
   * @return the reply
   */
  static Settle reject() {
    return new Settle(Disposition.REJECT, Duration.ZERO);
  }

  /**
   * Never settles the message: its lock expires and it returns to the queue.
   *
   * @return the reply
   */
  static Stall stall() {
    return new Stall();
  }

  /**
   * Drops the device's connection when the message arrives, without settling it.
   *
   * @return the reply
   */
  static Disconnect disconnect() {
    return new Disconnect();
  }

  /**
   * Settle with {@code disposition} after {@code delay}.
   *
   * @param disposition how
   * @param delay how long the device takes
   */
  record Settle(Disposition disposition, Duration delay) implements MessageReply {
    /** Checks for nulls and a negative delay. */
    public Settle {
      Objects.requireNonNull(disposition, "disposition");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("delay must not be negative, but was " + delay);
      }
    }

    /**
     * Returns this settlement, made {@code delay} after the message arrives.
     *
     * @param delay how long the device takes
     * @return the delayed settlement
     */
    public Settle after(Duration delay) {
      return new Settle(disposition, delay);
    }
  }

  /** Never settle. */
  record Stall() implements MessageReply {}

  /** Disconnect without settling. */
  record Disconnect() implements MessageReply {}
}
