package io.github.iothubcommands.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubcommands.CloudToDevice;
import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandHandle;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.DirectMethod;
import io.github.iothubcommands.FanOut;
import io.github.iothubcommands.FanOutHandle;
import io.github.iothubcommands.RetryPolicy;
import io.github.iothubcommands.testkit.FakeHub;
import io.github.iothubcommands.testkit.MessageReply;
import io.github.iothubcommands.testkit.MethodReply;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Micrometer listener on the fake hub, virtual time: every meter it documents, with exact values. */
@Timeout(10)
class MicrometerCommandMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final MicrometerCommandMetrics metrics = MicrometerCommandMetrics.bindTo(registry);
  private final FakeHub hub = FakeHub.create();
  private final CommandClient client = CommandClient.builder().transport(hub.transport()).listener(metrics).build();

  @AfterEach
  void close() {
    client.close();
    hub.close();
  }

  private double commands(String strategy, CommandStatus status, String mechanism) {
    var c = registry.find(MicrometerCommandMetrics.COMMANDS).tag("strategy", strategy).tag("status", status.name())
        .tag("mechanism", mechanism).counter();
    return c == null ? 0 : c.count();
  }

  private double inFlight() {
    return registry.get(MicrometerCommandMetrics.IN_FLIGHT).gauge().value();
  }

  @Test
  void countsFinishedCommandsByStrategyStatusAndMechanismAndTimesThemOnTheClientsClock() {
    hub.device("t").onMethod("ping", MethodReply.respond(200, "{}").after(Duration.ofSeconds(2))).connect();
    hub.device("l").replyToMessages(MessageReply.complete()).connect();

    CommandHandle ping = client.sendAsync("t", Command.named("ping").build(), DeliveryStrategy.directMethod());
    CommandHandle note = client.sendAsync("l", Command.named("on").build(), DeliveryStrategy.cloudToDevice());
    assertThat(inFlight()).isEqualTo(2);
    hub.advance(Duration.ofSeconds(2));
    hub.flushFeedback();
    client.send("ghost", Command.named("x").build(), DeliveryStrategy.directMethod()); // 404001

    assertThat(ping.awaitOutcome(Duration.ZERO)).isPresent();
    assertThat(note.awaitOutcome(Duration.ZERO)).isPresent();
    assertThat(commands("direct-method", CommandStatus.SUCCEEDED, "direct-method")).isEqualTo(1);
    assertThat(commands("cloud-to-device", CommandStatus.DELIVERED, "cloud-to-device")).isEqualTo(1);
    assertThat(commands("direct-method", CommandStatus.FAILED, "direct-method")).isEqualTo(1);
    assertThat(inFlight()).isZero();
    var latency = registry.get(MicrometerCommandMetrics.LATENCY).tag("strategy", "direct-method")
        .tag("status", "SUCCEEDED").timer();
    assertThat(latency.count()).isEqualTo(1);
    assertThat(latency.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(2000);
  }

  @Test
  void countsRetriesAttemptsAndFallbacks() {
    hub.device("p").onMethod("start", MethodReply.respond(200, "{}")).connectAfter(Duration.ofMillis(1500));
    RetryPolicy retry = RetryPolicy.custom().maxAttempts(5).initialBackoff(Duration.ofSeconds(1)).jitter(0)
        .build();
    CommandHandle h = client.sendAsync("p", Command.named("start").build(), DirectMethod.custom().retry(retry).build());
    hub.advance(Duration.ofSeconds(10));
    assertThat(h.awaitOutcome(Duration.ZERO).orElseThrow().status()).isEqualTo(CommandStatus.SUCCEEDED);

    hub.device("away"); // offline: the method falls back to a message, which waits in the queue
    client.sendAsync("away", Command.named("x").build(), DeliveryStrategy.fallback(DeliveryStrategy.directMethod(),
        CloudToDevice.ofDefaults()));

    var attempts = registry.get(MicrometerCommandMetrics.ATTEMPTS).tag("strategy", "direct-method").summary();
    assertThat(attempts.count()).isEqualTo(1);
    assertThat(attempts.totalAmount()).isEqualTo(3); // offline at 0 s and 1 s, connected at 2 s
    assertThat(registry.get(MicrometerCommandMetrics.RETRIES).tag("strategy", "direct-method").counter().count())
        .isEqualTo(2);
    assertThat(registry.get(MicrometerCommandMetrics.FALLBACKS).counter().count()).isEqualTo(1);
    assertThat(inFlight()).as("the fallen-back message waits for feedback").isEqualTo(1);
  }

  @Test
  void aFanOutsProgressFeedsItsGauges() {
    List<String> ids = IntStream.range(0, 20).mapToObj(i -> "d" + i).toList();
    ids.forEach(id -> hub.device(id).onMethod("ping", MethodReply.respond(200, "{}")).connect());

    FanOutHandle fanOut = client.fanOut(FanOut.to(ids).command(Command.named("ping").build(),
        DeliveryStrategy.directMethod()).concurrency(5).ratePerSecond(10).progressEveryResults(1).onProgress(metrics.fanOutProgress("ping-all"))
        .build());
    hub.advance(Duration.ofSeconds(5));

    assertThat(fanOut.summary()).isCompleted();
    assertThat(registry.get(MicrometerCommandMetrics.FAN_OUT_DONE).tag("fanout", "ping-all").gauge().value())
        .isEqualTo(20);
    assertThat(registry.get(MicrometerCommandMetrics.FAN_OUT_IN_FLIGHT).tag("fanout", "ping-all").gauge().value())
        .isZero();
    assertThat(registry.get(MicrometerCommandMetrics.FAN_OUT_RATE).tag("fanout", "ping-all").gauge().value())
        .isPositive().isLessThanOrEqualTo(10);
  }
}
