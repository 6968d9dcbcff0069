package io.github.iothubcommands.benchmarks;

import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.CloudToDevice;
import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.DirectMethod;
import io.github.iothubcommands.MethodResponse;
import io.github.iothubcommands.RetryPolicy;
import io.github.iothubcommands.spi.MethodInvocation;
import io.github.iothubcommands.testkit.FakeHub;
import io.github.iothubcommands.testkit.MethodReply;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The library's own cost, on the in-memory fake hub (virtual time, devices answering at once): a direct
 * method and a cloud-to-device message through the {@code CommandClient}, against the engine called
 * directly with the same call (the baseline: the hub's own work without the client).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InMemoryHubBenchmark {
  private FakeHub hub;
  private CommandClient client;
  private Command ping;
  private MethodInvocation invocation;
  private CloudToDevice c2dNoAck;
  private Command setTarget;
  private DirectMethod withoutCommandId;
  private DirectMethod withRetryPolicy;

  /** Starts a hub with one connected device and a client. */
  @Setup(Level.Trial)
  public void setUp() {
    hub = FakeHub.create();
    hub.device("d1").onMethod("ping", MethodReply.respond(200, "{\"pong\":true}")).connect();
    client = CommandClient.builder().transport(hub.transport()).build();
    ping = Command.named("ping").jsonPayload(1).build();
    invocation = MethodInvocation.builder().deviceId("d1").methodName("ping").payloadJson("1")
        .connectTimeout(Duration.ZERO).responseTimeout(Duration.ofSeconds(30)).build();
    c2dNoAck = CloudToDevice.custom().acknowledgement(Acknowledgement.NONE).build();
    hub.device("d1").onMethod("setTarget", MethodReply.respond(200, "{\"accepted\":true}"));
    setTarget = Command.named("setTarget").jsonPayload(Map.of("celsius", 21, "mode", "heat")).build();
    withoutCommandId = DirectMethod.custom().sendCommandId(false).build();
    withRetryPolicy = DirectMethod.custom().retry(RetryPolicy.defaults()).build();
  }

  /** Closes the client and the hub. */
  @TearDown(Level.Trial)
  public void tearDown() {
    client.close();
    hub.close();
  }

  /**
   * Baseline: the engine's direct method round trip, without the client.
   *
   * @return the reply
   */
  @Benchmark
  public MethodResponse engineMethodBaseline() {
    return hub.engine().invoke(invocation).join();
  }

  /**
   * A direct method through the client: validation, tracking, events, outcome.
   *
   * @return the outcome
   */
  @Benchmark
  public CommandOutcome clientDirectMethod() {
    return client.sendAsync("d1", ping.toBuilder().id(Long.toString(System.nanoTime())).build(),
        DeliveryStrategy.directMethod()).outcome().join();
  }

  /**
   * A direct method with a JSON object payload: the client inserts the {@code $commandId} member (the
   * default). Compare with {@link #clientObjectPayloadWithoutCommandId()}.
   *
   * @return the outcome
   */
  @Benchmark
  public CommandOutcome clientObjectPayload() {
    return client.sendAsync("d1", setTarget.toBuilder().id(Long.toString(System.nanoTime())).build(),
        DeliveryStrategy.directMethod()).outcome().join();
  }

  /**
   * The same call with {@code sendCommandId(false)}: the payload as given.
   *
   * @return the outcome
   */
  @Benchmark
  public CommandOutcome clientObjectPayloadWithoutCommandId() {
    return client.sendAsync("d1", setTarget.toBuilder().id(Long.toString(System.nanoTime())).build(),
        withoutCommandId).outcome().join();
  }

  /**
   * The same call under {@link RetryPolicy#defaults()}, succeeding at once: what wrapping a delivery for
   * retries costs when no retry is needed.
   *
   * @return the outcome
   */
  @Benchmark
  public CommandOutcome clientObjectPayloadWithRetryPolicy() {
    return client.sendAsync("d1", setTarget.toBuilder().id(Long.toString(System.nanoTime())).build(),
        withRetryPolicy).outcome().join();
  }

  /**
   * A cloud-to-device message through the client (acknowledgement none, completed by the device at once).
   *
   * @return the outcome
   */
  @Benchmark
  public CommandOutcome clientCloudToDevice() {
    return client.sendAsync("d1", ping.toBuilder().id(Long.toString(System.nanoTime())).build(), c2dNoAck)
        .outcome().join();
  }
}
