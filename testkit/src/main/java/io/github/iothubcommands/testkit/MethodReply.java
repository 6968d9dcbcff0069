package io.github.iothubcommands.testkit;

import io.github.iothubcommands.testkit.internal.JsonCheck;
import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link SimulatedDevice} does when a direct method arrives: answer (possibly late), stall, or drop
 * its connection. Faults are values, so a script reads as data:
 *
 * <pre>{@code
 * device.onMethod("reboot", MethodReply.respond(200, "{\"rebooting\":true}"));
 * device.onMethod("flash", MethodReply.respond(200, "{}").after(Duration.ofSeconds(40))); // late: 504
 * device.onMethod("hang", MethodReply.stall());                                          // never answers
 * device.onMethod("crash", MethodReply.disconnect());                                    // drops mid-call
 * }</pre>
 */
public sealed interface MethodReply permits MethodReply.Respond, MethodReply.Stall, MethodReply.Disconnect {

  /**
   * Answers with a status and a JSON payload, at once.
   *
   * @param status the device's status code
   * @param payloadJson the reply payload, well-formed JSON
   * @return the reply
   * @throws IllegalArgumentException if the payload is not well-formed JSON
   */
  static Respond respond(int status, String payloadJson) {
    JsonCheck.wellFormed("payloadJson", payloadJson);
    return new Respond(status, payloadJson, Duration.ZERO);
  }

  /**
   * Never answers: the hub times the call out.
   *
   * @return the reply
   */
  static Stall stall() {
    return new Stall();
  }

  /**
   * Drops the device's connection when the call arrives, without answering.
   *
   * @return the reply
   */
  static Disconnect disconnect() {
    return new Disconnect();
  }

  /**
   * Answer with {@code status} and {@code payloadJson} after {@code delay}.
   *
   * @param status the device's status code
   * @param payloadJson the reply payload
   * @param delay how long the device takes
   */
  record Respond(int status, String payloadJson, Duration delay) implements MethodReply {
    /** Checks for nulls and a negative delay. */
    public Respond {
      Objects.requireNonNull(payloadJson, "payloadJson");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("delay must not be negative, but was " + delay);
      }
    }

    /**
     * Returns this reply, sent {@code delay} after the call arrives.
     *
     * @param delay how long the device takes
     * @return the delayed reply
     */
    public Respond after(Duration delay) {
      return new Respond(status, payloadJson, delay);
    }
  }

  /** Never answer. */
  record Stall() implements MethodReply {}

  /** Disconnect without answering. */
  record Disconnect() implements MethodReply {}
}
