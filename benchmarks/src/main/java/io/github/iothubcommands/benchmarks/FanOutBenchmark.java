package io.github.iothubcommands.benchmarks;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandHandle;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.DirectMethod;
import io.github.iothubcommands.FanOut;
import io.github.iothubcommands.FanOutSummary;
import io.github.iothubcommands.testkit.FakeHub;
import io.github.iothubcommands.testkit.MethodReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The fan-out's own cost per device, on the in-memory fake hub (virtual time, 1,000 connected devices that
 * answer a direct method at once): one fan-out to all of them, against the baseline of the same 1,000
 * direct methods sent with {@code sendAsync} in a loop and joined. The fan-out's pace is set far above what
 * the loop reaches (a billion a second: the first device, then the other 999 when virtual time moves on by
 * a millisecond), so only its bookkeeping is measured: taking ids, the derived command id (SHA-256), the
 * pacing arithmetic, the per-device result and the summary. One operation is one device.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FanOutBenchmark {
  private static final int DEVICES = 1_000;
  private static final Duration TICK = Duration.ofMillis(1);

  private FakeHub hub;
  private CommandClient client;
  private List<String> ids;
  private Command ping;
  private DirectMethod method;
  private FanOut fanOut;
  private long sequence;

  /** Starts a hub with 1,000 connected devices and a client. */
  @Setup(Level.Trial)
  public void setUp() {
    hub = FakeHub.create();
    ids = IntStream.range(0, DEVICES).mapToObj(i -> "d" + i).toList();
    ids.forEach(id -> hub.device(id).onMethod("ping", MethodReply.respond(200, "{}")).connect());
    client = CommandClient.builder().transport(hub.transport()).build();
    ping = Command.named("ping").id("ping").jsonPayload(1).build();
    method = DeliveryStrategy.directMethod();
    fanOut = FanOut.to(ids).command(ping, method).concurrency(DEVICES).ratePerSecond(1e9).build();
  }

  /** Closes the client and the hub. */
  @TearDown(Level.Trial)
  public void tearDown() {
    client.close();
    hub.close();
  }

  /**
   * Baseline: the same direct methods sent one by one with {@code sendAsync}, then joined.
   *
   * @return the last outcome's status, so the work is not optimised away
   */
  @Benchmark
  @OperationsPerInvocation(DEVICES)
  public Object sendAsyncLoopBaseline() {
    List<CommandHandle> handles = new ArrayList<>(DEVICES);
    String prefix = "ping-" + sequence++ + "-";
    for (int i = 0; i < DEVICES; i++) {
      handles.add(client.sendAsync(ids.get(i), ping.toBuilder().id(prefix + i).build(), method));
    }
    Object last = null;
    for (CommandHandle h : handles) {
      last = h.outcome().join().status();
    }
    return last;
  }

  /**
   * One fan-out of the direct method to the 1,000 devices, to its summary.
   *
   * @return the summary
   */
  @Benchmark
  @OperationsPerInvocation(DEVICES)
  public FanOutSummary fanOut() {
    CompletableFuture<FanOutSummary> summary = client.fanOut(fanOut).summary();
    while (!summary.isDone()) {
      hub.advance(TICK); // virtual time: the pace's timer fires, the rest go out together
    }
    return summary.join();
  }
}
