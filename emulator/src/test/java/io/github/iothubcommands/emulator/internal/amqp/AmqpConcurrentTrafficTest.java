package io.github.iothubcommands.emulator.internal.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackRecord;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackStatusCode;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Several services and devices at once over AMQPS. */
@Timeout(45)
class AmqpConcurrentTrafficTest {
  private static final List<String> DEVICES = List.of("d1", "d2", "d3");
  private static final List<String> SENDERS = List.of("A", "B");
  private static final int PER_SENDER_AND_DEVICE = 20;
  @AutoClose private AmqpTestHub hub;

  @Test
  void concurrentServiceAndDeviceTrafficKeepsPerDeviceFifoAndYieldsFeedbackExactlyOnce() throws Exception {
    hub = new AmqpTestHub(AmqpTestHub.FAST_FEEDBACK, DEVICES.toArray(String[]::new));
    int total = DEVICES.size() * SENDERS.size() * PER_SENDER_AND_DEVICE;
    BlockingQueue<FeedbackRecord> feedback = hub.completingFeedbackClient();
    // what each device saw, in order: "sender:seq" per delivery; every 7th message is abandoned once
    Map<String, List<String>> seen = new ConcurrentHashMap<>();
    Set<String> abandoned = ConcurrentHashMap.newKeySet();
    for (String id : DEVICES) {
      List<String> log = new CopyOnWriteArrayList<>();
      seen.put(id, log);
      DeviceClient device = hub.deviceClient(id);
      device.setMessageCallback((msg, ctx) -> {
        String key = msg.getProperty("sender") + ":" + msg.getProperty("seq");
        log.add(key);
        boolean abandon = Integer.parseInt(msg.getProperty("seq")) % 7 == 3 && abandoned.add(id + "/" + key);
        return abandon ? IotHubMessageResult.ABANDON : IotHubMessageResult.COMPLETE;
      }, null);
      device.open(false);
    }

    List<Thread> senders = new ArrayList<>();
    CountDownLatch acknowledged = new CountDownLatch(total);
    List<String> sendFailures = Collections.synchronizedList(new ArrayList<>());
    for (String sender : SENDERS) {
      MessagingClient client = hub.messagingClient();
      Thread t = new Thread(() -> {
        for (int seq = 0; seq < PER_SENDER_AND_DEVICE; seq++) {
          for (String id : DEVICES) {
            Message m = AmqpCloudToDeviceTest.c2d(id + "-" + sender + "-" + seq, "complete");
            m.getProperties().put("sender", sender);
            m.getProperties().put("seq", Integer.toString(seq));
            client.sendAsync(id, m, r -> {
              if (!r.wasSentSuccessfully()) {
                sendFailures.add(m.getMessageId());
              }
              acknowledged.countDown();
            }, null);
          }
        }
      }, "sender-" + sender);
      t.start();
      senders.add(t);
    }
    for (Thread t : senders) {
      t.join(10_000);
    }
    assertThat(acknowledged.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(sendFailures).isEmpty();

    List<FeedbackRecord> records = AmqpCloudToDeviceTest.poll(feedback, total);
    Thread.sleep(600); // three batch intervals: a duplicate would have arrived by now
    assertThat(feedback).isEmpty();
    assertThat(records).extracting(FeedbackRecord::getStatusCode).containsOnly(FeedbackStatusCode.success);
    assertThat(records).extracting(FeedbackRecord::getOriginalMessageId).doesNotHaveDuplicates().hasSize(total);

    for (String id : DEVICES) {
      List<String> log = seen.get(id);
      for (String sender : SENDERS) {
        List<String> fromSender = log.stream().filter(k -> k.startsWith(sender + ":")).distinct().toList();
        assertThat(fromSender).as("what %s received from %s, in order", id, sender)
            .containsExactlyElementsOf(IntStream.range(0, PER_SENDER_AND_DEVICE)
                .mapToObj(seq -> sender + ":" + seq).toList());
      }
      assertThat(log).as("deliveries to %s", id)
          .hasSize(SENDERS.size() * PER_SENDER_AND_DEVICE + (int) abandoned.stream().filter(a -> a.startsWith(id + "/")).count());
      assertThat(hub.engine.device(id).orElseThrow().cloudToDeviceMessageCount()).isZero();
    }
  }
}
