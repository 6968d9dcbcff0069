package io.github.iothubcommands.examples;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.FanOut;
import io.github.iothubcommands.FanOutHandle;
import io.github.iothubcommands.FanOutProgress;
import io.github.iothubcommands.FanOutSummary;
import io.github.iothubcommands.HubQuota;
import io.github.iothubcommands.HubTier;
import io.github.iothubcommands.engine.HubLimits;
import io.github.iothubcommands.testkit.FakeHub;
import io.github.iothubcommands.testkit.MethodReply;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

/**
 * The demo's fan-out (in-memory mode): one direct method to 1,000 simulated devices on a fake hub that
 * throttles like an S1 hub of 10 units (400 small direct methods a second), paced with the same quota, with
 * a live progress line. The devices answer after 50 to 500 ms; every 50th is offline and fails at once.
 */
final class DemoFanOut {
  /** Devices in the fan-out. */
  static final int DEVICES = 1_000;
  /** Devices that are offline: every 50th. */
  static final int OFFLINE_EVERY = 50;
  private static final HubQuota QUOTA = HubQuota.of(HubTier.S1, 10);
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private DemoFanOut() {}

  /**
   * Runs the fan-out on a hub of its own (real time), printing a progress line that rewrites itself and the
   * summary.
   *
   * @param out where the lines go
   * @return the summary
   */
  static FanOutSummary run(PrintStream out) {
    try (FakeHub hub = FakeHub.realTime(HubLimits.custom().tier(HubTier.S1, 10).build());
        CommandClient client = CommandClient.builder().transport(hub.transport()).build()) {
      List<String> ids = IntStream.range(0, DEVICES).mapToObj(i -> String.format("meter-%04d", i)).toList();
      for (int i = 0; i < DEVICES; i++) {
        if (i % OFFLINE_EVERY == OFFLINE_EVERY - 1) {
          hub.device(ids.get(i)); // registered, never connects
        } else {
          hub.device(ids.get(i)).onMethod("setTarget", MethodReply.respond(200, "{\"target\":21}")
              .after(Duration.ofMillis(50 + (i * 37L) % 451))).connect();
        }
      }
      Command setTarget = Command.named("setTarget").id("set-target-21").jsonPayload(Map.of("celsius", 21)).build();
      out.printf("Fan-out: %s to %,d simulated devices as a direct method, on a hub throttled like %s "
          + "(%.0f calls/s), at most 200 in flight%n", setTarget.name(), DEVICES, QUOTA,
          QUOTA.methodCallsPerSecond(setTarget.payloadSize()));
      FanOutHandle handle = client.fanOut(FanOut.to(ids)
          .command(setTarget, DeliveryStrategy.directMethod())
          .rate(QUOTA)
          .concurrency(200)
          .progressEvery(Duration.ofMillis(200))
          .onProgress(p -> line(out, p))
          .build());
      FanOutSummary summary = handle.summary().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      out.println();
      out.printf("Fan-out %s in %.1f s: %,d succeeded, %,d failed (offline), %,d throttled by the hub%n",
          summary.end().name().toLowerCase(java.util.Locale.ROOT), summary.duration().toMillis() / 1000.0,
          summary.succeeded(), summary.failed(), summary.throttled());
      return summary;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the demo's fan-out ran", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the demo's fan-out did not end within " + DEADLINE, e);
    }
  }

  private static synchronized void line(PrintStream out, FanOutProgress p) {
    out.print("\r  " + p + "   ");
    out.flush();
  }
}
