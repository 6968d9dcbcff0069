package io.github.iothubcommands.emulator.internal.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

class AmqpCodecTest {

  /** A C2D message as DeviceLinks builds it, with {@code bodyBytes} of payload. */
  static Message c2d(int bodyBytes, int properties) {
    Message m = Proton.message();
    Properties p = new Properties();
    p.setMessageId(UUID.randomUUID().toString());
    p.setTo("/devices/" + "d".repeat(128) + "/messages/devicebound");
    p.setAbsoluteExpiryTime(new Date());
    p.setContentType(Symbol.valueOf("application/json"));
    m.setProperties(p);
    Map<String, Object> ap = new HashMap<>();
    for (int i = 0; i < properties; i++) {
      ap.put("key-\u00e9-" + i, "value \u20ac " + i);
    }
    ap.put(C2dIntake.ACK, "full");
    m.setApplicationProperties(new ApplicationProperties(ap));
    m.setMessageAnnotations(new MessageAnnotations(Map.of(Symbol.valueOf("iothub-deliverycount"), 3)));
    m.setBody(new Data(new Binary(new byte[bodyBytes])));
    return m;
  }

  @Test
  void estimateCoversTheEncodingSoThatAMessageIsEncodedOnce() {
    for (int body : new int[] {0, 1, 1000, 64 * 1024}) {
      for (int properties : new int[] {0, 1, 50}) {
        Message m = c2d(body, properties);
        byte[] encoded = AmqpCodec.encode(m);
        assertThat(AmqpCodec.estimatedSize(m)).as("body %d, %d properties", body, properties)
            .isGreaterThanOrEqualTo(encoded.length);
      }
    }
    Message text = Proton.message();
    text.setBody(new AmqpValue("\u20ac".repeat(5000)));
    assertThat(AmqpCodec.estimatedSize(text)).isGreaterThanOrEqualTo(AmqpCodec.encode(text).length);
  }

  @Test
  void encodedMessageDecodesToTheSameContent() {
    Message m = c2d(64 * 1024, 20);
    byte[] encoded = AmqpCodec.encode(m);
    Message back = Proton.message();
    back.decode(encoded, 0, encoded.length);
    assertThat(AmqpCodec.body(back)).hasSize(64 * 1024);
    assertThat(AmqpCodec.applicationProperties(back)).isEqualTo(AmqpCodec.applicationProperties(m));
    assertThat(back.getProperties().getMessageId()).isEqualTo(m.getProperties().getMessageId());
  }
}
