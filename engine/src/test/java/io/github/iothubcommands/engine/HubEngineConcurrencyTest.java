package io.github.iothubcommands.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.HubException;
import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.FeedbackRecord;
import io.github.iothubcommands.spi.FeedbackReceiver;
import io.github.iothubcommands.spi.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many threads sending and settling at once on the wall clock: FIFO per device, feedback exactly once. */
@Timeout(60)
class HubEngineConcurrencyTest {
  private static final int DEVICES = 4;
  private static final int SENDERS = 4;
  private static final int MESSAGES_PER_SENDER = 500;

  @Test
  void concurrentSendersAndDevicesKeepFifoAndExactlyOnceFeedback() throws Exception {
    HubEngine engine = new HubEngine(HubLimits.custom().feedbackBatchInterval(Duration.ofMillis(50)).build(),
        TimeSource.system());
    Map<String, List<String>> enqueued = new ConcurrentHashMap<>();
    Map<String, List<String>> delivered = new ConcurrentHashMap<>();
    List<FeedbackRecord> feedback = Collections.synchronizedList(new ArrayList<>());
    engine.addObserver(new HubObserver() {
      @Override
      public void messageDelivered(String deviceId, DeliveredMessage message) {
        if (message.deliveryCount() == 1) {
          delivered.computeIfAbsent(deviceId, k -> new CopyOnWriteArrayList<>()).add(message.message().messageId());
        }
      }
    });
    engine.subscribeFeedback(FeedbackReceiver.taking(feedback::addAll));
    ExecutorService settlers = Executors.newFixedThreadPool(DEVICES);
    for (int d = 0; d < DEVICES; d++) {
      String id = "d" + d;
      engine.registerDevice(id, null, null);
      DeviceSession[] session = new DeviceSession[1];
      session[0] = engine.connect(id, new DeviceEndpoint() {
        private int count;

        @Override
        public void deliverMessage(DeliveredMessage m) {
          // settle from another thread; abandon every 7th first delivery to exercise requeue at the head
          boolean abandon = m.deliveryCount() == 1 && (count++ % 7 == 0);
          settlers.execute(() -> {
            if (abandon) {
              session[0].abandon(m.lockToken());
            } else {
              session[0].complete(m.lockToken());
            }
          });
        }

        @Override
        public void invokeMethod(MethodRequest request) {}
      });
      session[0].subscribeMessages();
    }

    ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
    CountDownLatch start = new CountDownLatch(1);
    Map<String, Object> locks = new ConcurrentHashMap<>();
    for (int s = 0; s < SENDERS; s++) {
      int sender = s;
      senders.execute(() -> {
        try {
          start.await();
          for (int i = 0; i < MESSAGES_PER_SENDER; i++) {
            String device = "d" + ((sender + i) % DEVICES);
            String id = "s" + sender + "-" + i;
            CloudToDeviceMessage m = CloudToDeviceMessage.builder().deviceId(device).messageId(id)
                .payload(new byte[8], "x").properties(Map.of()).acknowledgement(Acknowledgement.FULL)
                .expiryTime(java.time.Instant.now().plusSeconds(600)).build();
            while (true) {
              // record the enqueue order under the same per-device lock as the enqueue itself
              synchronized (locks.computeIfAbsent(device, k -> new Object())) {
                try {
                  engine.enqueue(m);
                  enqueued.computeIfAbsent(device, k -> new ArrayList<>()).add(id);
                  break;
                } catch (HubException full) {
                  // queue depth 50 reached: let the device drain, then retry
                }
              }
              Thread.onSpinWait();
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    }
    start.countDown();
    senders.shutdown();
    assertThat(senders.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

    int total = SENDERS * MESSAGES_PER_SENDER;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (feedback.size() < total && System.nanoTime() < deadline) {
      engine.flushFeedback();
      LockSupport.parkNanos(1_000_000);
    }
    settlers.shutdown();
    engine.close();

    for (int d = 0; d < DEVICES; d++) {
      assertThat(delivered.get("d" + d)).as("first-delivery order on d" + d).isEqualTo(enqueued.get("d" + d));
    }
    Map<String, Long> perMessage = feedback.stream()
        .collect(Collectors.groupingBy(FeedbackRecord::originalMessageId, Collectors.counting()));
    assertThat(perMessage).hasSize(total);
    assertThat(perMessage.values()).allMatch(n -> n == 1);
    assertThat(feedback.stream().map(r -> r.status().wireValue()).distinct().toList()).containsExactly("Success");
    assertThat(delivered.values().stream().mapToInt(List::size).sum()).isEqualTo(total);
  }
}
