package io.github.iothubcommands.emulator.internal.amqp;

import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.HubException;
import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.engine.HubEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's C2D sender link ({@code /messages/devicebound}): each transfer is queued in the engine and
 * settled at once, {@code Accepted} or {@code Rejected} with the error condition the service SDK maps to its
 * exception.
 */
final class C2dIntake implements Endpoint {
  private static final Logger LOG = LoggerFactory.getLogger(C2dIntake.class);
  /** Large enough for the SDK to have a thousand sends in flight (it drains its queue every 200 ms). */
  static final int CREDIT = 1000;
  /** IoT Hub's default time-to-live when a message has no absolute expiry. */
  static final Duration DEFAULT_TIME_TO_LIVE = Duration.ofHours(1);
  static final String ACK = "iothub-ack";
  private static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";
  private static final Pattern TO =
      Pattern.compile("^/devices/([^/]+)(/modules/[^/]+)?/messages/devicebound$");

  private final Receiver receiver;
  private final HubEngine engine;

  C2dIntake(Receiver receiver, HubEngine engine) {
    this.receiver = receiver;
    this.engine = engine;
  }

  @Override
  public void onDelivery(Delivery d) {
    Message m = AmqpCodec.read(receiver, d);
    if (m == null) {
      return;
    }
    d.disposition(enqueue(m));
    d.settle();
    if (receiver.getCredit() < CREDIT / 2) {
      receiver.flow(CREDIT - receiver.getCredit());
    }
  }

  private DeliveryState enqueue(Message m) {
    Properties p = m.getProperties();
    String to = p == null ? null : p.getTo();
    Matcher tm = to == null ? null : TO.matcher(to);
    if (p == null || tm == null || !tm.matches()) {
      return AmqpCodec.rejected("amqp:invalid-field",
          "Error code: 400000; to must be /devices/{id}/messages/devicebound, but was " + to);
    }
    if (tm.group(2) != null) {
      return AmqpCodec.rejected("amqp:not-implemented", "Error code: 400000; the emulator has no modules");
    }
    Map<String, String> properties = new LinkedHashMap<>();
    Acknowledgement ack = Acknowledgement.NONE; // what the hub assumes without iothub-ack
    for (Map.Entry<String, Object> e : AmqpCodec.applicationProperties(m).entrySet()) {
      String value = String.valueOf(e.getValue());
      if (ACK.equals(e.getKey())) {
        try {
          ack = Acknowledgement.fromWireValue(value); // also the SDK's positiveonly / negativeonly
        } catch (IllegalArgumentException ex) {
          return AmqpCodec.rejected("amqp:invalid-field", "Error code: 400000; " + ex.getMessage());
        }
      } else {
        properties.put(e.getKey(), value);
      }
    }
    String messageId = AmqpCodec.string(p.getMessageId());
    Instant expiry = p.getAbsoluteExpiryTime() != null
        ? p.getAbsoluteExpiryTime().toInstant()
        : engine.time().now().plus(DEFAULT_TIME_TO_LIVE);
    String contentType = p.getContentType() != null ? p.getContentType().toString() : DEFAULT_CONTENT_TYPE;
    CloudToDeviceMessage message = CloudToDeviceMessage.builder().deviceId(tm.group(1))
        .messageId(messageId != null ? messageId : UUID.randomUUID().toString())
        .payload(AmqpCodec.body(m), contentType).properties(properties).acknowledgement(ack).expiryTime(expiry)
        .build();
    try {
      engine.enqueue(message);
      return Accepted.getInstance();
    } catch (HubException e) {
      LOG.debug("C2D message {} refused: {}", message.messageId(), e.getMessage());
      return AmqpCodec.rejected(condition(e), "Error code: " + e.errorCode() + "; " + e.getMessage());
    }
  }

  /**
   * The error condition the service SDK turns into the matching exception. Throttling uses IoT Hub's own
   * condition; iot-service-client 2.1.9 maps no AMQP condition to its {@code IotHubTooManyRequestsException}
   * (only HTTP 429 and a CBS status 429 become one), so a throttled send fails there with a plain {@code
   * IotHubException} whose message carries this condition and 429001.
   */
  static String condition(HubException e) {
    return switch (e.error()) {
      case QUEUE_DEPTH_EXCEEDED -> "amqp:resource-limit-exceeded";
      case DEVICE_NOT_FOUND, DEVICE_NOT_ONLINE -> "amqp:not-found";
      case MESSAGE_TOO_LARGE -> "amqp:link:message-size-exceeded";
      case UNAUTHORIZED -> "amqp:unauthorized-access";
      case BAD_REQUEST -> "amqp:invalid-field";
      case THROTTLED -> "com.microsoft:device-container-throttled";
      default -> "amqp:internal-error";
    };
  }
}
