package io.github.iothubcommands.device;

import io.github.iothubcommands.device.internal.DeviceJson;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link CommandHandler} answers, in a form that fits both mechanisms: a status and a JSON payload for
 * a direct method, a {@link Disposition} for a cloud-to-device message. Immutable.
 *
 * <p>The disposition follows from the status unless {@linkplain #withDisposition(Disposition) set}: 200–299
 * {@link Disposition#COMPLETE complete}, 500–599 {@link Disposition#ABANDON abandon} (the hub delivers the
 * message again), anything else {@link Disposition#REJECT reject}.
 *
 * <p><b>Over MQTT every disposition completes.</b> The device SDK (2.5.0) can only acknowledge a message over
 * MQTT, so a REJECT or an ABANDON there still removes the message from the hub's queue, and the service sees
 * the feedback {@code Success} (the command {@code DELIVERED}); nothing is delivered again. Only AMQPS carries
 * reject and abandon to the hub.
 *
 * <pre>{@code
 * CommandReply.ok(Map.of("rebootingIn", 5));         // 200 + JSON, complete
 * CommandReply.of(409, Map.of("error", "busy now")); // 409, reject
 * CommandReply.abandon();                            // 503, abandon: try again later
 * }</pre>
 */
public final class CommandReply {
  /** Status of {@link #ok()}. */
  public static final int OK = 200;
  /** Status of {@link #reject()}. */
  public static final int BAD_REQUEST = 400;
  /** Status of the default reply when a handler throws; such a C2D message is abandoned. */
  public static final int HANDLER_FAILED = 500;
  /** Status of the default reply to an unknown command; such a C2D message is rejected. */
  public static final int UNKNOWN_COMMAND = 501;
  /**
   * Status when the dispatcher cannot take the command (its bound on pending handlers is reached, or it is
   * closed), and of {@link #abandon()}; such a C2D message is abandoned.
   */
  public static final int BUSY = 503;
  /** Status when the handler did not finish within the dispatcher's handler timeout; C2D: abandoned. */
  public static final int HANDLER_TIMED_OUT = 504;

  private static final String NULL_JSON = "null";

  private final int status;
  private final String payloadJson;
  private final Disposition disposition;

  private CommandReply(int status, String payloadJson, Disposition disposition) {
    this.status = status;
    this.payloadJson = payloadJson;
    this.disposition = disposition;
  }

  /**
   * Success without payload: status {@value #OK}, JSON {@code null}, complete.
   *
   * @return the reply
   */
  public static CommandReply ok() {
    return new CommandReply(OK, NULL_JSON, Disposition.COMPLETE);
  }

  /**
   * Success with a payload: status {@value #OK}, complete.
   *
   * @param payload serialized with Jackson ({@code JsonNode}, maps, records, strings…); {@code null} gives JSON
   *     {@code null}
   * @return the reply
   * @throws IllegalArgumentException if Jackson cannot serialize the payload
   */
  public static CommandReply ok(@Nullable Object payload) {
    return of(OK, payload);
  }

  /**
   * A reply with this status; the disposition follows from it (2xx complete, 5xx abandon, else reject).
   *
   * @param status the direct method status, any integer
   * @param payload serialized with Jackson; {@code null} gives JSON {@code null}
   * @return the reply
   * @throws IllegalArgumentException if Jackson cannot serialize the payload
   */
  public static CommandReply of(int status, @Nullable Object payload) {
    return new CommandReply(status, DeviceJson.write("payload", payload), dispositionFor(status));
  }

  /**
   * A reply with this status and a payload given as JSON text; the disposition follows from the status.
   *
   * @param status the direct method status, any integer
   * @param json one well-formed JSON value
   * @return the reply
   * @throws IllegalArgumentException if {@code json} is null or not one well-formed JSON value
   */
  public static CommandReply ofJson(int status, String json) {
    return new CommandReply(status, DeviceJson.checked("json", json), dispositionFor(status));
  }

  /**
   * Refusal: status {@value #BAD_REQUEST}, JSON {@code null}, reject (over AMQPS the service sees the
   * command {@code REJECTED}; over MQTT it completes, see above).
   *
   * @return the reply
   */
  public static CommandReply reject() {
    return new CommandReply(BAD_REQUEST, NULL_JSON, Disposition.REJECT);
  }

  /**
   * Not now: status {@value #BUSY}, JSON {@code null}, abandon (over AMQPS the hub delivers the message
   * again, up to its maximum delivery count; over MQTT it completes, see above). An abandoned command is not
   * remembered by the dedupe window: when it comes again, the handler runs again.
   *
   * @return the reply
   */
  public static CommandReply abandon() {
    return new CommandReply(BUSY, NULL_JSON, Disposition.ABANDON);
  }

  /**
   * Returns a copy with this disposition, status and payload unchanged.
   *
   * @param disposition what to answer a cloud-to-device message
   * @return the reply
   * @throws IllegalArgumentException if {@code disposition} is null
   */
  public CommandReply withDisposition(Disposition disposition) {
    if (disposition == null) {
      throw new IllegalArgumentException("disposition must not be null");
    }
    return new CommandReply(status, payloadJson, disposition);
  }

  /**
   * Returns the direct method status.
   *
   * @return the status
   */
  public int status() {
    return status;
  }

  /**
   * Returns the direct method payload as JSON text. Cloud-to-device messages carry no reply payload.
   *
   * @return the JSON text, {@code null} (the JSON literal) when there is none
   */
  public String payloadJson() {
    return payloadJson;
  }

  /**
   * Returns what a cloud-to-device message is answered.
   *
   * @return the disposition
   */
  public Disposition disposition() {
    return disposition;
  }

  private static Disposition dispositionFor(int status) {
    if (status >= 200 && status <= 299) {
      return Disposition.COMPLETE;
    }
    return status >= 500 && status <= 599 ? Disposition.ABANDON : Disposition.REJECT;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return this == o || (o instanceof CommandReply r && status == r.status && payloadJson.equals(r.payloadJson)
        && disposition == r.disposition);
  }

  @Override
  public int hashCode() {
    return Objects.hash(status, payloadJson, disposition);
  }

  /** Status, disposition and payload size: payloads may be sensitive and are not printed. */
  @Override
  public String toString() {
    return "CommandReply{status=" + status + ", disposition=" + disposition + ", payloadChars="
        + payloadJson.length() + '}';
  }

  /**
   * What a cloud-to-device message is answered; IoT Hub's three settlements. Over MQTT the device SDK sends
   * every one of them as a completion.
   */
  public enum Disposition {
    /** Done: the hub removes the message; feedback {@code Success}. */
    COMPLETE,
    /**
     * Refused: the hub removes the message; feedback {@code Rejected} (AMQPS only; over MQTT it completes).
     */
    REJECT,
    /**
     * Given back: the hub delivers it again later, until its maximum delivery count (AMQPS only; over MQTT it
     * completes).
     */
    ABANDON
  }
}
