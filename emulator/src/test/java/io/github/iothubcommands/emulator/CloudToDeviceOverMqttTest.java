package io.github.iothubcommands.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackRecord;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackStatusCode;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClientOptions;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import io.github.iothubcommands.engine.HubLimits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole C2D path across protocols with the real SDKs: {@code MessagingClient} (AMQPS) sends with ack
 * full, a {@code DeviceClient} over MQTT receives, {@code MessageFeedbackProcessorClient} (AMQPS) gets the
 * Success record naming the original message.
 */
@Timeout(60)
class CloudToDeviceOverMqttTest {

  @Test
  void messagingClientToMqttDeviceWithFeedbackToTheFeedbackClient() throws Exception {
    HubLimits fastFeedback = HubLimits.custom().feedbackBatchInterval(Duration.ofMillis(200)).build();
    try (IotHubEmulator hub = IotHubEmulator.builder().bindAnyFreeLoopbackAddress().devices("lamp").httpsPort(0)
        .limits(fastFeedback).start()) {
      BlockingQueue<FeedbackRecord> feedback = new LinkedBlockingQueue<>();
      MessageFeedbackProcessorClient feedbackClient = new MessageFeedbackProcessorClient(hub.serviceHost(),
          new AzureSasCredential(hub.serviceSasToken()), IotHubServiceClientProtocol.AMQPS,
          batch -> {
            feedback.addAll(batch.getRecords());
            return AcknowledgementType.COMPLETE;
          },
          MessageFeedbackProcessorClientOptions.builder().sslContext(hub.sslContext()).build());
      BlockingQueue<com.microsoft.azure.sdk.iot.device.Message> received = new LinkedBlockingQueue<>();
      DeviceClient device = new DeviceClient(hub.deviceConnectionString("lamp"), IotHubClientProtocol.MQTT,
          ClientOptions.builder().sslContext(hub.sslContext()).build());
      device.setMessageCallback((m, ctx) -> {
        received.add(m);
        return IotHubMessageResult.COMPLETE;
      }, null);
      MessagingClient messaging = new MessagingClient(hub.serviceConnectionString(), IotHubServiceClientProtocol.AMQPS,
          MessagingClientOptions.builder().sslContext(hub.sslContext()).build());
      feedbackClient.start();
      device.open(false);
      messaging.open();
      try {
        Message m = new Message("{\"level\":40}");
        m.setMessageId("dim-1");
        m.setDeliveryAcknowledgement(DeliveryAcknowledgement.Full);
        m.getProperties().put("zone", "hall");
        messaging.send("lamp", m);

        com.microsoft.azure.sdk.iot.device.Message got = received.poll(10, TimeUnit.SECONDS);
        assertThat(got).isNotNull();
        assertThat(got.getMessageId()).isEqualTo("dim-1");
        assertThat(got.getProperty("zone")).isEqualTo("hall");
        assertThat(new String(got.getBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"level\":40}");

        FeedbackRecord record = feedback.poll(10, TimeUnit.SECONDS);
        assertThat(record).isNotNull();
        assertThat(record.getOriginalMessageId()).isEqualTo("dim-1");
        assertThat(record.getDeviceId()).isEqualTo("lamp");
        assertThat(record.getStatusCode()).isEqualTo(FeedbackStatusCode.success);
      } finally {
        messaging.close();
        device.close();
        feedbackClient.stop();
      }
    }
  }
}
