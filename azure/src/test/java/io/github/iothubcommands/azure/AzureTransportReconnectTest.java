package io.github.iothubcommands.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.AzureSasCredential;
import io.github.iothubcommands.CloudToDevice;
import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandHandle;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.HubError;
import io.github.iothubcommands.emulator.IotHubEmulator;
import io.github.iothubcommands.engine.DeliveredMessage;
import io.github.iothubcommands.engine.DeviceEndpoint;
import io.github.iothubcommands.engine.DeviceSession;
import io.github.iothubcommands.engine.HubLimits;
import io.github.iothubcommands.engine.HubObserver;
import io.github.iothubcommands.engine.MethodRequest;
import io.github.iothubcommands.spi.CloudToDeviceMessage;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javax.net.ssl.HttpsURLConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The AMQP connections (messaging and feedback) cut mid-run by a proxy between the SDK and the emulator:
 * the transport reconnects, no command is left without an outcome, and no feedback record is lost — every
 * message the hub accepted ends DELIVERED, its Success feedback reaching the client over the new link.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AzureTransportReconnectTest {

  @Test
  void cuttingTheAmqpConnectionsMidRunLosesNoCommandAndNoFeedback() throws Exception {
    int amqpPort;
    try (ServerSocket free = new ServerSocket(0)) {
      amqpPort = free.getLocalPort();
    }
    Set<String> accepted = ConcurrentHashMap.newKeySet();
    try (IotHubEmulator hub = IotHubEmulator.builder().hubName("reconnect").devices("lamp").amqpPort(amqpPort)
        .limits(HubLimits.custom().feedbackBatchInterval(Duration.ofMillis(200)).build()).start();
        TcpProxy proxy = new TcpProxy(IotHubEmulator.DEFAULT_AMQP_PORT, amqpPort)) {
      HttpsURLConnection.setDefaultSSLSocketFactory(hub.sslContext().getSocketFactory());
      hub.engine().addObserver(new HubObserver() {
        @Override
        public void messageEnqueued(CloudToDeviceMessage message) {
          accepted.add(message.messageId());
        }

      });
      AtomicReference<DeviceSession> session = new AtomicReference<>();
      session.set(hub.engine().connect("lamp", new DeviceEndpoint() {
        @Override
        public void deliverMessage(DeliveredMessage message) {
          session.get().complete(message.lockToken());
        }

        @Override
        public void invokeMethod(MethodRequest request) {}
      }));
      session.get().subscribeMessages();

      AzureHubTransport transport = AzureHubTransport.builder()
          .credential(hub.httpsHost(), new AzureSasCredential(hub.serviceSasToken())).sslContext(hub.sslContext())
          .reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)).sendTimeout(Duration.ofSeconds(20))
          .build();
      try (CommandClient client = CommandClient.builder().transport(transport)
          .feedbackWindow(Duration.ofSeconds(20)).build()) {
        // ack full; a time-to-live long enough that no message expires while the link reconnects
        CloudToDevice strategy = CloudToDevice.custom().timeToLive(Duration.ofMinutes(2)).build();
        List<CommandHandle> handles = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
          handles.add(client.sendAsync("lamp", Command.named("on").id("cmd-" + i).build(), strategy));
          if (i == 20) {
            handles.get(i).outcome().get(30, TimeUnit.SECONDS); // both links are up and in use
            proxy.cutAll();
          }
          Thread.sleep(20); // spread the sends over the cut and the reconnect
        }
        Map<String, CommandOutcome> outcomes = new java.util.TreeMap<>();
        for (CommandHandle h : handles) {
          outcomes.put(h.commandId(), h.outcome().get(60, TimeUnit.SECONDS));
        }
        // Every command ended; each one the hub accepted was delivered, its feedback not lost to the cut.
        assertThat(outcomes).hasSize(60);
        for (Map.Entry<String, CommandOutcome> e : outcomes.entrySet()) {
          CommandOutcome o = e.getValue();
          if (accepted.contains(e.getKey())) {
            assertThat(o.status()).as(e.getKey() + " " + o).isEqualTo(CommandStatus.DELIVERED);
          } else {
            assertThat(o.status()).as(e.getKey() + " " + o).isEqualTo(CommandStatus.FAILED);
            assertThat(o.hubError()).as(e.getKey() + " " + o).contains(HubError.CONNECTION_FAILED);
          }
        }
        // The link came back: the commands sent last all went through it.
        List<String> lastTen = outcomes.keySet().stream().filter(id -> Integer.parseInt(id.substring(4)) >= 50)
            .collect(Collectors.toList());
        assertThat(lastTen).allSatisfy(id -> assertThat(outcomes.get(id).status()).isEqualTo(CommandStatus.DELIVERED));
        assertThat(proxy.accepted()).as("connections through the proxy: before and after the cut").isGreaterThan(2);
        assertThat(transport.isMessagingOpen()).isTrue();
      }
    }
  }
}
