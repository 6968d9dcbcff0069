package io.github.iothubcommands.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubcommands.CloudToDevice;
import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandEvent;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.DirectMethod;
import io.github.iothubcommands.Mechanism;
import io.github.iothubcommands.RetryPolicy;
import io.github.iothubcommands.testkit.MethodReply;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.test.StepVerifier;

/**
 * Retries and fallback as core decides them, scheduled on the Reactor scheduler: a virtual second of backoff
 * passes in StepVerifier's virtual time, cancelling mid-retry stops the next attempt, and a fallback's connect
 * timeout and feedback window pass in virtual time too.
 */
@Timeout(30)
class ReactiveRetryTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  /** 1 s, then 2 s, then 4 s between attempts; no jitter, so the schedule is exact. */
  private static final DirectMethod RETRIED = DirectMethod.custom().retry(RetryPolicy.custom().maxAttempts(4)
      .initialBackoff(Duration.ofSeconds(1)).multiplier(2).jitter(0).build()).build();
  private final VirtualHub v = new VirtualHub();

  @AfterEach
  void close() {
    v.close();
  }

  @Test
  void anOfflineDeviceIsRetriedOnTheSchedulerAndSucceedsOnceItConnects() {
    v.hub.device("pump").onMethod("start", MethodReply.respond(200, "{}")).connectAfter(Duration.ofMillis(2_500));
    StepVerifier.withVirtualTime(() -> v.client.send("pump", Command.named("start").build(), RETRIED), () -> v.vts,
            Long.MAX_VALUE)
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(2_999)) // attempts at 0 s and 1 s find it offline; the third is at 3 s
        .thenAwait(Duration.ofMillis(1))
        .assertNext(o -> {
          assertThat(o.status()).isEqualTo(CommandStatus.SUCCEEDED);
          assertThat(o.attempts()).isEqualTo(3);
        })
        .expectComplete()
        .verify(WAIT);
    assertThat(v.hub.invocationCount("pump")).isEqualTo(3);
  }

  @Test
  void eventsShowEachScheduledRetryWithItsDelay() {
    v.hub.device("pump").onMethod("start", MethodReply.respond(200, "{}")).connectAfter(Duration.ofMillis(2_500));
    StepVerifier.withVirtualTime(() -> v.client.sendWithEvents("pump", Command.named("start").build(), RETRIED),
            () -> v.vts, Long.MAX_VALUE)
        .assertNext(e -> assertThat(e.status()).isEqualTo(CommandStatus.QUEUED))
        .assertNext(e -> assertThat(e.retryDelay()).contains(Duration.ofSeconds(1)))
        .thenAwait(Duration.ofSeconds(1))
        .assertNext(e -> assertThat(e.retryDelay()).contains(Duration.ofSeconds(2)))
        .thenAwait(Duration.ofSeconds(2))
        .assertNext(e -> assertThat(e.status()).isEqualTo(CommandStatus.SENT))
        .assertNext(e -> assertThat(e.status()).isEqualTo(CommandStatus.SUCCEEDED))
        .expectComplete()
        .verify(WAIT);
  }

  @Test
  void cancellingMidRetryStopsTheNextAttempt() {
    v.hub.device("pump").onMethod("start", MethodReply.respond(200, "{}")); // never connects
    StepVerifier.withVirtualTime(() -> v.client.send("pump", Command.named("start").build(), RETRIED), () -> v.vts,
            Long.MAX_VALUE)
        .expectSubscription()
        .thenAwait(Duration.ofMillis(1_500)) // two attempts made; the third is due at 3 s
        .thenCancel()
        .verify(WAIT);
    assertThat(v.events).extracting(CommandEvent::status).last().isEqualTo(CommandStatus.CANCELLED);
    v.vts.advanceTimeBy(Duration.ofMinutes(5));
    assertThat(v.hub.invocationCount("pump")).isEqualTo(2);
  }

  @Test
  void fallbackQueuesTheCommandAsAMessageWhenTheDeviceStaysOfflineAndSaysSo() {
    v.hub.device("pump").connectAfter(Duration.ofSeconds(30)); // offline past the connect timeout
    DeliveryStrategy fallback = DeliveryStrategy.fallback(
        DirectMethod.custom().connectTimeout(Duration.ofSeconds(10)).build(), CloudToDevice.custom().build());
    StepVerifier.withVirtualTime(() -> v.client.sendWithEvents("pump", Command.named("start").build(), fallback),
            () -> v.vts, Long.MAX_VALUE)
        .assertNext(e -> assertThat(e.status()).isEqualTo(CommandStatus.QUEUED))
        .expectNoEvent(Duration.ofMillis(9_999))
        .thenAwait(Duration.ofMillis(1))
        .assertNext(e -> assertThat(e.kind()).isEqualTo(CommandEvent.Kind.FALLBACK_TAKEN))
        .assertNext(e -> assertThat(e.status()).isEqualTo(CommandStatus.SENT)) // queued by the hub
        .thenAwait(Duration.ofSeconds(35)) // connects at 30 s, completes it; the next feedback batch reports it
        .assertNext(e -> {
          assertThat(e.status()).isEqualTo(CommandStatus.DELIVERED);
          assertThat(e.outcome().orElseThrow().mechanism()).contains(Mechanism.CLOUD_TO_DEVICE);
        })
        .expectComplete()
        .verify(WAIT);
  }
}
