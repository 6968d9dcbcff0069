package io.github.iothubcommands.emulator.internal.amqp;

import io.github.iothubcommands.spi.FeedbackRecord;
import java.nio.BufferOverflowException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Section;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.message.Message;
import org.jspecify.annotations.Nullable;

/** Encoding and decoding of proton-j messages, and the feedback JSON. */
final class AmqpCodec {
  private static final DateTimeFormatter HUB_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);

  /** Room for the header, properties and annotations of a hub message. */
  private static final int ENVELOPE_BYTES = 1024;
  /** Type and length bytes of one application property's key or value, or a small non-text value. */
  private static final int PROPERTY_OVERHEAD_BYTES = 16;

  private AmqpCodec() {}

  /** Reads a complete transfer off a receiver and advances; {@code null} while partial or if aborted. */
  static @Nullable Message read(Receiver receiver, Delivery delivery) {
    if (delivery.isPartial() || !delivery.isReadable() || delivery.isAborted()) {
      return null;
    }
    byte[] buf = new byte[delivery.pending()];
    int n = receiver.recv(buf, 0, buf.length);
    receiver.advance();
    Message m = Proton.message();
    m.decode(buf, 0, Math.max(n, 0));
    return m;
  }

  /**
   * Encodes a message into a buffer sized from its body and application properties, so that it is encoded
   * once; the doubling retry is only a safety net for an estimate that falls short.
   */
  static byte[] encode(Message m) {
    byte[] buf = new byte[estimatedSize(m)];
    while (true) {
      try {
        int n = m.encode(buf, 0, buf.length);
        return n == buf.length ? buf : Arrays.copyOf(buf, n);
      } catch (BufferOverflowException e) {
        buf = new byte[buf.length * 2];
      }
    }
  }

  /** Body and application properties at their largest encoding, plus room for the other sections. */
  static int estimatedSize(Message m) {
    long size = ENVELOPE_BYTES;
    Section body = m.getBody();
    if (body instanceof Data d && d.getValue() != null) {
      size += d.getValue().getLength();
    } else if (body instanceof AmqpValue v && v.getValue() instanceof Binary b) {
      size += b.getLength();
    } else if (body instanceof AmqpValue v && v.getValue() instanceof String text) {
      size += 3L * text.length();
    }
    for (Map.Entry<String, Object> e : applicationProperties(m).entrySet()) {
      size += 3L * e.getKey().length() + PROPERTY_OVERHEAD_BYTES
          + (e.getValue() instanceof String text ? 3L * text.length() : PROPERTY_OVERHEAD_BYTES);
    }
    return (int) Math.min(size, Integer.MAX_VALUE - 8);
  }

  static byte[] body(Message m) {
    Section body = m.getBody();
    if (body instanceof Data d && d.getValue() != null) {
      return bytes(d.getValue());
    }
    if (body instanceof AmqpValue v && v.getValue() != null) {
      return v.getValue() instanceof Binary b ? bytes(b) : v.getValue().toString().getBytes(StandardCharsets.UTF_8);
    }
    return new byte[0];
  }

  static byte[] bytes(Binary b) {
    byte[] out = new byte[b.getLength()];
    System.arraycopy(b.getArray(), b.getArrayOffset(), out, 0, b.getLength());
    return out;
  }

  static Map<String, Object> applicationProperties(Message m) {
    ApplicationProperties ap = m.getApplicationProperties();
    return ap == null || ap.getValue() == null ? Map.of() : ap.getValue();
  }

  static Rejected rejected(String condition, String description) {
    Rejected r = new Rejected();
    r.setError(new ErrorCondition(Symbol.valueOf(condition), description));
    return r;
  }

  static @Nullable String string(@Nullable Object o) {
    return o == null ? null : o.toString();
  }

  /**
   * The hub's feedback body: a compact JSON array in printable ASCII. The service SDK reads the Data section
   * through proton's {@code Binary.toString()}, which turns bytes outside 0x20–0x7e and the backslash into
   * {@code \xNN}, so the text can hold no escape: a character that would need one becomes {@code ?}.
   *
   * @param generationIds the device generation id of a device id
   */
  static byte[] feedbackJson(List<FeedbackRecord> records, Function<String, String> generationIds) {
    StringBuilder sb = new StringBuilder("[");
    for (FeedbackRecord r : records) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append('{');
      field(sb, "originalMessageId", r.originalMessageId()).append(',');
      field(sb, "deviceGenerationId", generationIds.apply(r.deviceId())).append(',');
      field(sb, "deviceId", r.deviceId()).append(',');
      field(sb, "enqueuedTimeUtc", HUB_TIME.format(r.enqueuedTime())).append(',');
      field(sb, "statusCode", r.status().wireValue()).append(',');
      field(sb, "description", r.description());
      sb.append('}');
    }
    return sb.append(']').toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static StringBuilder field(StringBuilder sb, String name, String value) {
    sb.append('"').append(name).append("\":\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      sb.append(c == '"' || c == '\\' || c < 0x20 || c > 0x7e ? '?' : c);
    }
    return sb.append('"');
  }
}
