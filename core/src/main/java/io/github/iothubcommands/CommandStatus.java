package io.github.iothubcommands;

/**
 * Where a command is in its life. A command starts {@link #QUEUED}, moves to {@link #SENT} when the hub has
 * accepted it, and ends in exactly one terminal status ({@link #isTerminal()}).
 *
 * <pre>
 * QUEUED → SENT → ACCEPTED | DELIVERED | NOT_DELIVERED | REJECTED | EXPIRED | DELIVERY_COUNT_EXCEEDED
 *                 | PURGED | SUCCEEDED | TIMED_OUT | FAILED
 * QUEUED → FAILED | DEVICE_OFFLINE | TIMED_OUT          (refused by the hub, or never reached it)
 * QUEUED | SENT → CANCELLED                             (the caller cancelled it first)
 * </pre>
 *
 * <p>Every command the hub accepted passes through {@code SENT} exactly once: a cloud-to-device message
 * when the hub queued it (or when its feedback arrives first), a direct method when the device was reached
 * (it answered, or the hub's response timeout passed). {@code docs/outcomes.md} lists every path.
 */
public enum CommandStatus {
  /**
   * Tracked by the client and handed to the transport; the hub has not (yet) shown that it accepted it. A
   * direct method stays here for the whole call, since only the device's answer shows it was reached.
   */
  QUEUED(false, false),
  /**
   * The hub accepted it: a cloud-to-device message sits in the device's queue awaiting feedback, or a
   * direct method reached the device (published just before the method's terminal status).
   */
  SENT(false, false),
  /**
   * Cloud-to-device, acknowledgement {@link Acknowledgement#NONE}: the hub queued the message; its fate is
   * not reported.
   */
  ACCEPTED(true, true),
  /** Cloud-to-device: the device completed the message (feedback {@code Success}). */
  DELIVERED(true, true),
  /**
   * Cloud-to-device, acknowledgement {@link Acknowledgement#POSITIVE}: no {@code Success} feedback arrived by
   * the message's expiry plus the feedback window, so it was not delivered (always
   * {@linkplain CommandOutcome#inferred() inferred}).
   */
  NOT_DELIVERED(true, false),
  /** Cloud-to-device: the device rejected the message (feedback {@code Rejected}). */
  REJECTED(true, false),
  /** Cloud-to-device: the message expired in the queue (feedback {@code Expired}). */
  EXPIRED(true, false),
  /**
   * Cloud-to-device: the message was abandoned, or its lock lapsed, more often than the hub's maximum delivery
   * count (feedback {@code DeliveryCountExceeded}).
   */
  DELIVERY_COUNT_EXCEEDED(true, false),
  /** Cloud-to-device: the device's queue was purged before the message was completed. */
  PURGED(true, false),
  /** Direct method: the device answered with a status from 200 to 299. */
  SUCCEEDED(true, true),
  /** Direct method: the device did not answer within the response timeout (hub error 504101). */
  TIMED_OUT(true, false),
  /**
   * Direct method: the device was not connected and did not connect within the connect timeout (hub error
   * 404103).
   */
  DEVICE_OFFLINE(true, false),
  /**
   * Anything else: the hub refused the command (see {@link CommandOutcome#hubError()}), the device answered a
   * direct method with a status outside 200–299 (see {@link CommandOutcome#methodResponse()}), expected
   * feedback never arrived, or the client closed first.
   */
  FAILED(true, false),
  /**
   * The caller cancelled the command ({@link CommandHandle#cancel()}) before its outcome was known. The client
   * stopped tracking it; what the hub does with it is not observed: a direct method already called may still
   * run on the device, and a cloud-to-device message the hub already queued may still be delivered (IoT Hub
   * removes single messages only by purging the whole queue).
   */
  CANCELLED(true, false);

  private final boolean terminal;
  private final boolean success;

  CommandStatus(boolean terminal, boolean success) {
    this.terminal = terminal;
    this.success = success;
  }

  /**
   * Whether this status ends the command's life.
   *
   * @return {@code true} for every status except {@link #QUEUED} and {@link #SENT}
   */
  public boolean isTerminal() {
    return terminal;
  }

  /**
   * Whether this terminal status counts as success (a sequence goes on after it).
   *
   * @return {@code true} for {@link #ACCEPTED}, {@link #DELIVERED} and {@link #SUCCEEDED}
   */
  public boolean isSuccess() {
    return success;
  }
}
