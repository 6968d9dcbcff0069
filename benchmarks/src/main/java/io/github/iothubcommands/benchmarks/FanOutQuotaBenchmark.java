package io.github.iothubcommands.benchmarks;

import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.CloudToDevice;
import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandEvent;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.FanOut;
import io.github.iothubcommands.FanOutHandle;
import io.github.iothubcommands.FanOutRateChange;
import io.github.iothubcommands.FanOutSummary;
import io.github.iothubcommands.HubError;
import io.github.iothubcommands.HubException;
import io.github.iothubcommands.HubQuota;
import io.github.iothubcommands.HubTier;
import io.github.iothubcommands.engine.DeliveredMessage;
import io.github.iothubcommands.engine.DeviceEndpoint;
import io.github.iothubcommands.engine.DeviceSession;
import io.github.iothubcommands.engine.HubEngine;
import io.github.iothubcommands.engine.HubLimits;
import io.github.iothubcommands.engine.MethodRequest;
import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.testkit.FakeHub;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Fan-out against an S1 × 10 quota on the fake hub, in virtual time: the hub engine throttles at the tier's
 * quotas (token buckets holding one minute of the rate) and the fan-out paces itself with {@code
 * rate(HubQuota.of(HubTier.S1, 10))}. Each scenario runs a fleet sized to take the given minutes at the
 * quota, with ids generated lazily; a device exists in the hub only while its command is in flight, so
 * memory stays flat. It prints, per scenario, the rate the fan-out's accepted sends sustained as a fraction
 * of the quota, the 429s the hub answered the fan-out, and how many of those hit sends made after the
 * fan-out's first adaptation (its first decrease).
 *
 * <ul>
 *   <li><b>C2D, sole user</b>: cloud-to-device commands (acknowledgement none), 1,000 sends a minute.
 *   <li><b>direct methods, sole user</b>: small direct methods to connected devices, 400 calls a second.
 *   <li><b>C2D, busy start</b>: the hub's minute of burst has been spent by an earlier job, and another
 *       application sends at 25% of the quota for the first 10 s: the fan-out meets a 429, halves its rate,
 *       and climbs back to the quota.
 *   <li><b>C2D, shared for 5 min</b> (information, not a target): the same, with the other application
 *       sending for 5 minutes: each time the fan-out climbs back to the share left it meets a 429 and halves.
 * </ul>
 *
 * <p>Deterministic: the same figures on every run. Run (see {@code docs/benchmarks.md}):
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar io.github.iothubcommands.benchmarks.FanOutQuotaBenchmark [minutes]
 * }</pre>
 */
public final class FanOutQuotaBenchmark {
  private static final HubQuota QUOTA = HubQuota.of(HubTier.S1, 10);
  private static final CloudToDevice C2D = CloudToDevice.custom().acknowledgement(Acknowledgement.NONE).build();
  private static final Command COMMAND = Command.named("setTarget").id("set-21").rawJsonPayload("{\"c\":21}").build();

  private FanOutQuotaBenchmark() {}

  /**
   * Runs the three scenarios.
   *
   * @param args optional: simulated minutes per scenario (60)
   */
  public static void main(String[] args) {
    int minutes = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    System.out.printf("fan-out on the fake hub, quota %s (engine throttling with the same tier, 1 min burst), "
        + "%d simulated minutes per scenario; Java %s%n", QUOTA, minutes, Runtime.version());
    System.out.printf("%-28s %10s %10s %12s %10s %9s %9s %14s %8s%n", "scenario", "devices", "accepted",
        "rate/s", "quota/s", "of quota", "429s", "429s after 1st", "wall s");
    List<Result> results = new ArrayList<>();
    results.add(run("C2D, sole user", minutes, false, null));
    results.add(run("direct methods, sole user", minutes, true, null));
    results.add(run("C2D, busy start (10 s)", minutes, false, Duration.ofSeconds(10)));
    boolean ok = results.stream().allMatch(r -> r.fraction >= 0.98 && r.throttledAfterFirstAdaptation == 0);
    System.out.println(ok ? "target met: >= 98% of the quota sustained, no 429 after the first adaptation"
        : "TARGET NOT MET");
    System.out.println("not a target (AIMD probes up while another sender keeps its share, and meets a 429 each "
        + "time it reaches the share left):");
    run("C2D, shared for 5 min", minutes, false, Duration.ofMinutes(5));
  }

  private record Result(double fraction, long throttledAfterFirstAdaptation) {}

  /**
   * Runs one scenario; with {@code contention}, the hub's burst is spent first and another application
   * sends at 25% of the quota for that long.
   */
  private static Result run(String label, int minutes, boolean methods, @Nullable Duration contention) {
    long wallStart = System.nanoTime();
    double quotaPerSecond = methods ? QUOTA.methodCallsPerSecond(COMMAND.payloadSize())
        : QUOTA.cloudToDeviceSendsPerSecond();
    long devices = Math.round(quotaPerSecond * 60 * minutes);
    Map<String, Instant> queuedAt = new ConcurrentHashMap<>();
    AtomicReference<Instant> firstDecrease = new AtomicReference<>();
    AtomicLong throttledAfter = new AtomicLong();
    AtomicLong accepted = new AtomicLong();
    AtomicLong decreases = new AtomicLong();
    try (FakeHub hub = FakeHub.builder().limits(HubLimits.custom().tier(HubTier.S1, 10).build()).recordLimit(0)
        .build();
        CommandClient client = CommandClient.builder().transport(hub.transport())
            .listener(e -> watch(e, queuedAt, firstDecrease, throttledAfter)).build()) {
      HubEngine engine = hub.engine();
      if (contention != null) {
        spendTheBurst(engine);
        competeForTheFirstSeconds(hub, 0.25 * quotaPerSecond, contention);
      }
      Map<String, DeviceSession> sessions = new ConcurrentHashMap<>();
      Iterator<String> ids = new LazyFleet(devices, id -> {
        engine.registerDevice(id, null, null);
        if (methods) {
          sessions.put(id, connectAnswering(engine, id));
        }
      });
      FanOutHandle handle = client.fanOut(FanOut.to(ids)
          .command(COMMAND, methods ? DeliveryStrategy.directMethod() : C2D)
          .rate(QUOTA)
          .concurrency(1000)
          .onRateChange(c -> {
            if (c.reason() == FanOutRateChange.Reason.THROTTLED) {
              decreases.incrementAndGet();
              firstDecrease.compareAndSet(null, c.at());
            }
          })
          .onResult(r -> {
            if (r.succeeded()) {
              accepted.incrementAndGet();
            }
            DeviceSession s = sessions.remove(r.deviceId());
            if (s != null) {
              s.close();
            }
            engine.removeDevice(r.deviceId());
          })
          .build());
      CompletableFuture<FanOutSummary> done = handle.summary();
      while (!done.isDone()) {
        hub.advance(Duration.ofSeconds(1));
      }
      FanOutSummary summary = done.join();
      double seconds = summary.duration().toNanos() / 1e9;
      double rate = accepted.get() / seconds;
      double fraction = rate / quotaPerSecond;
      System.out.printf("%-28s %,10d %,10d %12.3f %10.3f %8.2f%% %,9d %,14d %8.1f%n", label, devices,
          accepted.get(), rate, quotaPerSecond, 100 * fraction, summary.throttled(), throttledAfter.get(),
          (System.nanoTime() - wallStart) / 1e9);
      if (summary.throttled() > 0) {
        System.out.printf("%-28s first decrease at +%.2f s, %d decreases; %d devices resent, all %s%n", "",
            Duration.between(summary.startedAt(), firstDecrease.get()).toNanos() / 1e9, decreases.get(),
            summary.throttled(), summary.succeeded() == devices ? "succeeded" : "NOT all succeeded");
      }
      return new Result(fraction, throttledAfter.get());
    }
  }

  /** Counts the fan-out's 429s on sends made after its first decrease (QUEUED marks each send). */
  private static void watch(CommandEvent e, Map<String, Instant> queuedAt, AtomicReference<Instant> firstDecrease,
      AtomicLong throttledAfter) {
    if (e.status() == CommandStatus.QUEUED) {
      queuedAt.put(e.commandId(), e.at());
      return;
    }
    if (!e.status().isTerminal()) {
      return;
    }
    Instant sent = queuedAt.remove(e.commandId());
    Instant first = firstDecrease.get();
    boolean throttled = e.outcome().flatMap(o -> o.hubError()).orElse(null) == HubError.THROTTLED;
    if (throttled && first != null && sent != null && sent.isAfter(first)) {
      throttledAfter.incrementAndGet();
    }
  }

  /** An earlier job used the hub's minute of burst: C2D sends until the hub answers 429. */
  private static void spendTheBurst(HubEngine engine) {
    for (int d = 0; ; d++) {
      String id = "earlier-job-" + d;
      engine.registerDevice(id, null, null);
      try {
        for (int i = 0; i < 50; i++) {
          engine.enqueue(message(id, "earlier-" + d + "-" + i));
        }
      } catch (HubException e) {
        if (e.error() == HubError.THROTTLED) {
          return;
        }
        throw e;
      } finally {
        engine.removeDevice(id);
      }
    }
  }

  /** Another application sends at {@code perSecond} (evenly spaced) for {@code period}, then stops. */
  private static void competeForTheFirstSeconds(FakeHub hub, double perSecond, Duration period) {
    HubEngine engine = hub.engine();
    engine.registerDevice("other-app", null, null);
    long count = Math.round(perSecond * period.toNanos() / 1e9);
    for (long i = 0; i < count; i++) {
      long at = Math.round(i * 1e9 / perSecond);
      String messageId = "other-" + i;
      hub.time().schedule(Duration.ofNanos(at), () -> {
        try {
          engine.purge("other-app");
          engine.enqueue(message("other-app", messageId));
        } catch (HubException e) {
          // the other application is throttled too; it is not what is measured
        }
      });
    }
  }

  private static CloudToDeviceMessage message(String deviceId, String messageId) {
    return CloudToDeviceMessage.builder().deviceId(deviceId).messageId(messageId)
        .payload(new byte[] {'{', '}'}, Command.JSON).acknowledgement(Acknowledgement.NONE)
        .expiryTime(Instant.parse("2100-01-01T00:00:00Z")).build();
  }

  /** A connected device that answers every method at once with 200. */
  private static DeviceSession connectAnswering(HubEngine engine, String id) {
    AtomicReference<DeviceSession> self = new AtomicReference<>();
    DeviceSession session = engine.connect(id, new DeviceEndpoint() {
      @Override
      public void deliverMessage(DeliveredMessage message) {
        self.get().complete(message.lockToken());
      }

      @Override
      public void invokeMethod(MethodRequest request) {
        self.get().respond(request.requestId(), 200, "{}");
      }
    });
    self.set(session);
    session.subscribeMethods();
    return session;
  }

  /** Device ids {@code dev-0000000}, … made as they are taken; each is registered (set up) on the way out. */
  private static final class LazyFleet implements Iterator<String> {
    private final long size;
    private final java.util.function.Consumer<String> setUp;
    private long next;

    LazyFleet(long size, java.util.function.Consumer<String> setUp) {
      this.size = size;
      this.setUp = setUp;
    }

    @Override
    public boolean hasNext() {
      return next < size;
    }

    @Override
    public String next() {
      if (next >= size) {
        throw new NoSuchElementException();
      }
      String id = String.format("dev-%07d", next++);
      setUp.accept(id);
      return id;
    }
  }
}
