package io.github.iothubcommands.benchmarks;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandEvent;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.testkit.FakeHub;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A simulated day of a device fleet on the in-memory fake hub, to show that memory stays flat: every
 * device receives one cloud-to-device command a minute (default acknowledgement: full) through a real
 * {@link CommandClient} on virtual time, and completes it at once. Sends are spread evenly over each
 * minute. Prints, per simulated hour and at the end, the commands sent, the outcomes by status, the wall
 * time and the live heap after a full garbage collection.
 *
 * <p>The hub is created with {@link FakeHub#create()}: default limits and the default record bound, as a
 * user who never thinks about memory would. Run (see {@code docs/benchmarks.md}):
 *
 * <pre>{@code
 * java -Xmx256m -cp benchmarks/target/benchmarks.jar io.github.iothubcommands.benchmarks.FleetDaySimulation [devices] [hours]
 * }</pre>
 */
public final class FleetDaySimulation {
  private static final Duration TICK = Duration.ofSeconds(1);
  private static final int TICKS_PER_MINUTE = 60;
  private static final int TICKS_PER_HOUR = 3600;

  private FleetDaySimulation() {}

  /**
   * Runs the simulation.
   *
   * @param args optional: the number of devices (10,000) and simulated hours (24)
   */
  public static void main(String[] args) {
    int devices = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int hours = args.length > 1 ? Integer.parseInt(args[1]) : 24;
    run(devices, hours);
  }

  private static void run(int devices, int hours) {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    AtomicLongArray outcomes = new AtomicLongArray(CommandStatus.values().length);
    long started = System.nanoTime();
    long sent = 0;
    System.out.printf("fleet day: %,d devices, one C2D command a minute each, %d simulated hours; Java %s, max heap %,d MB%n",
        devices, hours, Runtime.version(), Runtime.getRuntime().maxMemory() / 1_000_000);
    try (FakeHub hub = FakeHub.create();
        CommandClient client = CommandClient.builder().transport(hub.transport())
            .listener(e -> count(e, outcomes)).build()) {
      String[] ids = new String[devices];
      for (int d = 0; d < devices; d++) {
        ids[d] = "device-" + d;
        hub.device(ids[d]).connect(); // completes every message at once
      }
      DeliveryStrategy c2d = DeliveryStrategy.cloudToDevice();
      int ticks = hours * TICKS_PER_HOUR;
      for (int tick = 0; tick < ticks; tick++) {
        int slot = tick % TICKS_PER_MINUTE; // device d sends in slot d % 60 of every minute
        for (int d = slot; d < devices; d += TICKS_PER_MINUTE) {
          client.sendAsync(ids[d], Command.named("setpoint").rawJsonPayload("{\"value\":21}").build(), c2d);
          sent++;
        }
        hub.advance(TICK);
        if ((tick + 1) % TICKS_PER_HOUR == 0) {
          report("hour " + (tick + 1) / TICKS_PER_HOUR, sent, outcomes, started, memory);
        }
      }
      hub.advance(Duration.ofMinutes(1)); // the last feedback batches
      report("end", sent, outcomes, started, memory);
      System.out.printf("hub: %,d messages accepted, %,d feedback records; kept at most %,d records of each kind, "
          + "%,d older ones dropped%n", hub.messageCount(), hub.feedbackCount(), hub.recordLimit(),
          hub.droppedRecordCount());
    }
  }

  private static void count(CommandEvent event, AtomicLongArray outcomes) {
    if (event.status().isTerminal()) {
      outcomes.incrementAndGet(event.status().ordinal());
    }
  }

  private static void report(String label, long sent, AtomicLongArray outcomes, long started, MemoryMXBean memory) {
    memory.gc();
    long liveBytes = memory.getHeapMemoryUsage().getUsed();
    Map<CommandStatus, Long> byStatus = new EnumMap<>(CommandStatus.class);
    for (CommandStatus s : CommandStatus.values()) {
      if (outcomes.get(s.ordinal()) > 0) {
        byStatus.put(s, outcomes.get(s.ordinal()));
      }
    }
    System.out.printf("%-8s sent %,12d  outcomes %s  wall %6.1f s  live heap %,7.1f MB%n", label, sent, byStatus,
        (System.nanoTime() - started) / 1e9, liveBytes / 1e6);
  }
}
