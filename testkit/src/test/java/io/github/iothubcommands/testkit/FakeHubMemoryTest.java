package io.github.iothubcommands.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.DeliveryStrategy;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A scaled-down fleet day (see {@code benchmarks/FleetDaySimulation}): live heap after the first simulated
 * hour and after the fourth must be about the same. The default record limit fills within the first hour,
 * so by then the hub holds all it ever will; unbounded, each hour adds about 23 MB (the second test shows
 * the probe sees that). Only memory is asserted, never speed.
 */
@Timeout(300)
class FakeHubMemoryTest {
  private static final int DEVICES = 1_000;
  private static final long MB = 1_000_000;
  /** Allowed growth from hour 1 to hour 4; unbounded records grow about 70 MB in that time. */
  private static final long FLAT = 16 * MB;

  @Test
  void liveHeapStaysFlatOverSimulatedHoursOfFleetTraffic() {
    long[] heap = simulateFourHours(FakeHub.create());
    assertThat(heap[1] - heap[0])
        .as("live heap growth from hour 1 (%,d bytes) to hour 4 (%,d bytes)", heap[0], heap[1])
        .isLessThan(FLAT);
  }

  @Test
  void theProbeSeesGrowthWhenRecordsAreUnbounded() {
    long[] heap = simulateFourHours(FakeHub.builder().recordLimit(Integer.MAX_VALUE).build());
    assertThat(heap[1] - heap[0])
        .as("live heap growth from hour 1 (%,d bytes) to hour 4 (%,d bytes)", heap[0], heap[1])
        .isGreaterThan(2 * FLAT);
  }

  /** Every device gets one C2D command a minute and completes it; returns live heap after hour 1 and hour 4. */
  private static long[] simulateFourHours(FakeHub hub) {
    AtomicInteger delivered = new AtomicInteger();
    long[] heap = new long[2];
    try (hub;
        CommandClient client = CommandClient.builder().transport(hub.transport())
            .listener(e -> {
              if (e.status() == CommandStatus.DELIVERED) {
                delivered.incrementAndGet();
              }
            }).build()) {
      for (int d = 0; d < DEVICES; d++) {
        hub.device("device-" + d).connect();
      }
      for (int minute = 0; minute < 4 * 60; minute++) {
        for (int d = 0; d < DEVICES; d++) {
          client.sendAsync("device-" + d, Command.named("setpoint").build(), DeliveryStrategy.cloudToDevice());
        }
        hub.advance(Duration.ofMinutes(1));
        if (minute == 59) {
          heap[0] = liveHeap();
        }
      }
      heap[1] = liveHeap();
      assertThat(delivered).hasValue(DEVICES * 4 * 60);
      assertThat(hub.messageCount()).isEqualTo(DEVICES * 4 * 60);
    }
    return heap;
  }

  private static long liveHeap() {
    var memory = ManagementFactory.getMemoryMXBean();
    memory.gc();
    memory.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }
}
