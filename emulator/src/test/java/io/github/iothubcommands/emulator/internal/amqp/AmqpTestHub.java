package io.github.iothubcommands.emulator.internal.amqp;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackBatch;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackRecord;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClientOptions;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import io.github.iothubcommands.spi.TimeSource;
import io.github.iothubcommands.testkit.engine.HubEngine;
import io.github.iothubcommands.testkit.engine.HubLimits;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A hub engine behind the AMQPS server on 127.0.0.1:5671, and the real Azure SDK clients pointed at it. One
 * per test; closing it closes the clients it made.
 */
final class AmqpTestHub implements AutoCloseable {
  static final String HUB = "myhub.azure-devices.net";
  static final String POLICY = "iothubowner";
  /** Feedback batches every 200 ms instead of 15 s, so tests need not wait. */
  static final HubLimits FAST_FEEDBACK = HubLimits.custom().feedbackBatchInterval(Duration.ofMillis(200)).build();

  final HubEngine engine;
  final String policyKey = newKey();
  private final TestTls tls = TestTls.generate();
  private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final AmqpServer server;
  private final List<AutoCloseable> clients = new ArrayList<>();

  AmqpTestHub(HubLimits limits, String... deviceIds) {
    engine = new HubEngine(limits, TimeSource.system());
    for (String id : deviceIds) {
      engine.registerDevice(id, newKey(), newKey());
    }
    server = AmqpServer.start(engine, tls.server(),
        new SasTokenAuthority(engine, Map.of(POLICY, policyKey), Set.of(HUB, "localhost", "127.0.0.1")),
        new InetSocketAddress("127.0.0.1", AmqpServer.DEFAULT_PORT), boss, workers, AmqpServer.Settings.DEFAULTS);
  }

  static String newKey() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  /** A service SAS token for the hub, as the service SDK makes it from a connection string. */
  static String serviceSas(String key) {
    long expiry = System.currentTimeMillis() / 1000 + 3600;
    String sr = URLEncoder.encode(HUB, StandardCharsets.UTF_8);
    return "SharedAccessSignature sr=" + sr + "&sig=" + URLEncoder.encode(sign(key, sr + "\n" + expiry),
        StandardCharsets.UTF_8) + "&se=" + expiry + "&skn=" + POLICY;
  }

  private static String sign(String key, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Base64.getDecoder().decode(key), "HmacSHA256"));
      return Base64.getEncoder().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** An opened messaging client; {@code localhost} makes the SDK dial 127.0.0.1:5671. */
  MessagingClient messagingClient() throws Exception {
    MessagingClient c = unopenedMessagingClient(policyKey);
    c.open();
    clients.add(c::close);
    return c;
  }

  MessagingClient unopenedMessagingClient(String key) {
    return new MessagingClient("localhost", new AzureSasCredential(serviceSas(key)), IotHubServiceClientProtocol.AMQPS,
        MessagingClientOptions.builder().sslContext(tls.client()).build());
  }

  /** A started feedback client. */
  MessageFeedbackProcessorClient feedbackClient(Function<FeedbackBatch, AcknowledgementType> processor)
      throws Exception {
    MessageFeedbackProcessorClient c = new MessageFeedbackProcessorClient("localhost",
        new AzureSasCredential(serviceSas(policyKey)), IotHubServiceClientProtocol.AMQPS, processor,
        MessageFeedbackProcessorClientOptions.builder().sslContext(tls.client()).build());
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
    return deviceClient(deviceId, engine.device(deviceId).orElseThrow().primaryKey());
  }

  DeviceClient deviceClient(String deviceId, String key) {
    DeviceClient c = new DeviceClient("HostName=127.0.0.1;DeviceId=" + deviceId + ";SharedAccessKey=" + key,
        IotHubClientProtocol.AMQPS, ClientOptions.builder().sslContext(tls.client()).build());
    clients.add(c::close);
    return c;
  }

  @Override
  public void close() throws Exception {
    for (int i = clients.size() - 1; i >= 0; i--) {
      clients.get(i).close();
    }
    server.close();
    engine.close();
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
