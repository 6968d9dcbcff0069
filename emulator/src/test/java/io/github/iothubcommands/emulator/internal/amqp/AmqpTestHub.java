package io.github.iothubcommands.emulator.internal.amqp;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackBatch;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackRecord;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClientOptions;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import io.github.iothubcommands.emulator.IotHubEmulator;
import io.github.iothubcommands.emulator.internal.DeviceRegistry;
import io.github.iothubcommands.emulator.internal.EmulatorRuntime;
import io.github.iothubcommands.emulator.internal.auth.SasToken;
import io.github.iothubcommands.engine.HubEngine;
import io.github.iothubcommands.engine.HubLimits;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * An emulator (AMQPS on port 5671 of a free loopback address; HTTPS and MQTT on any free port) and the real Azure SDK clients
 * pointed at it. One per test; closing it closes the clients it made, then the emulator.
 */
final class AmqpTestHub implements AutoCloseable {
  /** Feedback batches every 200 ms instead of 15 s, so tests need not wait. */
  static final HubLimits FAST_FEEDBACK = HubLimits.custom().feedbackBatchInterval(Duration.ofMillis(200)).build();

  final IotHubEmulator emulator;
  final HubEngine engine;
  private final List<AutoCloseable> clients = new ArrayList<>();

  AmqpTestHub(HubLimits limits, String... deviceIds) {
    emulator = IotHubEmulator.builder().bindAnyFreeLoopbackAddress().devices(deviceIds).limits(limits).httpsPort(0)
        .mqttPort(0).start();
    engine = emulator.engine();
  }

  static String newKey() {
    return DeviceRegistry.newKey();
  }

  /** An opened messaging client made from the emulator's connection string (it dials the bind address, port 5671). */
  MessagingClient messagingClient() throws Exception {
    MessagingClient c = new MessagingClient(emulator.serviceConnectionString(), IotHubServiceClientProtocol.AMQPS,
        MessagingClientOptions.builder().sslContext(emulator.sslContext()).build());
    c.open();
    clients.add(c::close);
    return c;
  }

  /** A messaging client whose SAS token is signed with {@code key}; not opened, not closed. */
  MessagingClient messagingClientSignedWith(String key) {
    String token = SasToken.build(emulator.serviceHost(), key, Instant.now().plusSeconds(3600).getEpochSecond(),
        EmulatorRuntime.POLICY_NAME);
    return new MessagingClient(emulator.serviceHost(), new AzureSasCredential(token),
        IotHubServiceClientProtocol.AMQPS, MessagingClientOptions.builder().sslContext(emulator.sslContext())
            .build());
  }

  /** A started feedback client on the credential constructor. */
  MessageFeedbackProcessorClient feedbackClient(Function<FeedbackBatch, AcknowledgementType> processor)
      throws Exception {
    MessageFeedbackProcessorClient c = new MessageFeedbackProcessorClient(emulator.serviceHost(),
        new AzureSasCredential(emulator.serviceSasToken()), IotHubServiceClientProtocol.AMQPS, processor,
        MessageFeedbackProcessorClientOptions.builder().sslContext(emulator.sslContext()).build());
    c.start();
    clients.add(c::stop);
    return c;
  }

  /** A started feedback client that completes every batch; returns the records it received. */
  BlockingQueue<FeedbackRecord> completingFeedbackClient() throws Exception {
    BlockingQueue<FeedbackRecord> records = new LinkedBlockingQueue<>();
    feedbackClient(batch -> {
      records.addAll(batch.getRecords());
      return AcknowledgementType.COMPLETE;
    });
    return records;
  }

  /** An unopened AMQPS device client; closed with the hub. */
  DeviceClient deviceClient(String deviceId) {
    return device(emulator.deviceConnectionString(deviceId));
  }

  /** An unopened AMQPS device client with the wrong key. */
  DeviceClient deviceClientSignedWith(String deviceId, String key) {
    return device("HostName=" + emulator.deviceHost() + ";DeviceId=" + deviceId + ";SharedAccessKey=" + key);
  }

  private DeviceClient device(String connectionString) {
    DeviceClient c = new DeviceClient(connectionString, IotHubClientProtocol.AMQPS,
        ClientOptions.builder().sslContext(emulator.sslContext()).build());
    clients.add(c::close);
    return c;
  }

  /**
   * Calls {@code reboot} on d1 over HTTPS with the service SDK (connect timeout 5 s, response 10 s), on
   * another thread; the caller must have trusted the emulator's HTTPS.
   */
  CompletableFuture<DirectMethodResponse> invokeRebootOnD1() {
    DirectMethodsClient methods = new DirectMethodsClient(emulator.httpsHost(),
        new AzureSasCredential(emulator.serviceSasToken()));
    return CompletableFuture.supplyAsync(() -> {
      try {
        return methods.invoke("d1", "reboot", DirectMethodRequestOptions.builder()
            .methodConnectTimeoutSeconds(5).methodResponseTimeoutSeconds(10).build());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Override
  public void close() throws Exception {
    for (int i = clients.size() - 1; i >= 0; i--) {
      clients.get(i).close();
    }
    emulator.close();
  }
}
