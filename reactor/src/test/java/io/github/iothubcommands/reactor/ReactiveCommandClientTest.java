package io.github.iothubcommands.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandEvent;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.DirectMethod;
import io.github.iothubcommands.HubError;
import io.github.iothubcommands.testkit.MethodReply;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** A command's outcome as a Mono and its transitions as a Flux, on the fake hub in Reactor virtual time. */
@Timeout(30)
class ReactiveCommandClientTest {
  private static final Duration ALMOST = Duration.ofMillis(999);
  /** A bound on each verification's real time: virtual time makes them all instant. */
  private static final Duration WAIT = Duration.ofSeconds(5);
  private final VirtualHub v = new VirtualHub();

  @AfterEach
  void close() {
    v.close();
  }

  private static Command command(String name) {
    return Command.named(name).jsonPayload(Map.of("n", 1)).build();
  }

  @Test
  void monoEmitsTheDevicesReplyWhenItComesInVirtualTime() {
    v.hub.device("d1").onMethod("reboot", MethodReply.respond(200, "{\"ok\":true}").after(Duration.ofSeconds(2)))
        .connect();
    StepVerifier.withVirtualTime(() -> v.client.send("d1", command("reboot"), DeliveryStrategy.directMethod()),
            () -> v.vts, Long.MAX_VALUE)
        .expectSubscription()
        .expectNoEvent(Duration.ofSeconds(1).plus(ALMOST))
        .thenAwait(Duration.ofMillis(1))
        .assertNext(o -> {
          assertThat(o.status()).isEqualTo(CommandStatus.SUCCEEDED);
          assertThat(o.methodResponse().orElseThrow().payloadJson()).isEqualTo("{\"ok\":true}");
        })
        .expectComplete().verify(WAIT);
  }

  @Test
  void nothingIsSentUntilSubscription() {
    v.hub.device("d1").onMethod("reboot", MethodReply.respond(200, "{}")).connect();
    Mono<CommandOutcome> mono = v.client.send("d1", command("reboot"), DeliveryStrategy.directMethod());
    assertThat(v.hub.invocationCount()).isZero();
    assertThat(v.events).isEmpty();
    StepVerifier.create(mono).assertNext(o -> assertThat(o.status()).isEqualTo(CommandStatus.SUCCEEDED))
        .expectComplete().verify(WAIT);
    StepVerifier.create(mono).assertNext(o -> assertThat(o.status()).isEqualTo(CommandStatus.SUCCEEDED))
        .expectComplete().verify(WAIT); // each subscription sends anew
    assertThat(v.hub.invocationCount()).isEqualTo(2);
  }

  @Test
  void aFailingDeviceIsAnOutcomeNotAnError() {
    v.hub.device("d1").onMethod("reboot", MethodReply.respond(500, "{\"error\":\"busy\"}")).connect();
    StepVerifier.create(v.client.send("d1", command("reboot"), DeliveryStrategy.directMethod()))
        .assertNext(o -> {
          assertThat(o.status()).isEqualTo(CommandStatus.FAILED);
          assertThat(o.methodResponse().orElseThrow().status()).isEqualTo(500);
        })
        .expectComplete().verify(WAIT);
  }

  @Test
  void offlineDeviceEndsDeviceOfflineAfterTheConnectTimeoutInVirtualTime() {
    v.hub.device("d1").onMethod("reboot", MethodReply.respond(200, "{}"));
    DirectMethod waitTenSeconds = DirectMethod.custom().connectTimeout(Duration.ofSeconds(10)).build();
    StepVerifier.withVirtualTime(() -> v.client.send("d1", command("reboot"), waitTenSeconds), () -> v.vts,
            Long.MAX_VALUE)
        .expectSubscription()
        .expectNoEvent(Duration.ofSeconds(9).plus(ALMOST))
        .thenAwait(Duration.ofMillis(1))
        .assertNext(o -> {
          assertThat(o.status()).isEqualTo(CommandStatus.DEVICE_OFFLINE);
          assertThat(o.hubError()).contains(HubError.DEVICE_NOT_ONLINE);
        })
        .expectComplete().verify(WAIT);
  }

  @Test
  void stalledDeviceTimesOutAfterTheResponseTimeoutInVirtualTime() {
    v.hub.device("d1").onMethod("reboot", MethodReply.stall()).connect();
    DirectMethod fiveSeconds = DirectMethod.custom().responseTimeout(Duration.ofSeconds(5)).build();
    StepVerifier.withVirtualTime(() -> v.client.send("d1", command("reboot"), fiveSeconds), () -> v.vts,
            Long.MAX_VALUE)
        .expectSubscription()
        .expectNoEvent(Duration.ofSeconds(4).plus(ALMOST))
        .thenAwait(Duration.ofSeconds(1))
        .assertNext(o -> assertThat(o.status()).isEqualTo(CommandStatus.TIMED_OUT))
        .expectComplete().verify(WAIT);
  }

  @Test
  void cancellingTheSubscriptionCancelsTheCommandAndReleasesItsTimersAndId() {
    v.hub.device("d1").onMethod("reboot", MethodReply.stall()).connect();
    Command reboot = command("reboot");
    StepVerifier.withVirtualTime(() -> v.client.send("d1", reboot, DeliveryStrategy.directMethod()), () -> v.vts,
            Long.MAX_VALUE)
        .expectSubscription()
        .thenAwait(Duration.ofSeconds(3))
        .thenCancel()
        .verify(WAIT);
    assertThat(v.events).last().satisfies(e -> assertThat(e.status()).isEqualTo(CommandStatus.CANCELLED));
    int seen = v.events.size();
    v.vts.advanceTimeBy(Duration.ofMinutes(5)); // past every timeout: nothing more happens to it
    assertThat(v.events).hasSize(seen);
    assertThat(v.client.commandClient().sendAsync("d1", reboot, DeliveryStrategy.directMethod()).status())
        .isNotNull(); // the id is free again
  }

  @Test
  void eventsFluxEmitsEveryTransitionAndCompletesAfterTheTerminalOne() {
    v.hub.device("d1").onMethod("reboot", MethodReply.respond(200, "{}").after(Duration.ofSeconds(1))).connect();
    StepVerifier.withVirtualTime(() -> v.client.sendWithEvents("d1", command("reboot"),
            DeliveryStrategy.directMethod()), () -> v.vts, Long.MAX_VALUE)
        .assertNext(e -> assertThat(e.status()).isEqualTo(CommandStatus.QUEUED)) // a method stays QUEUED
        .expectNoEvent(ALMOST)
        .thenAwait(Duration.ofMillis(1))
        .assertNext(e -> assertThat(e.status()).isEqualTo(CommandStatus.SENT)) // the device was reached
        .assertNext(e -> {
          assertThat(e.status()).isEqualTo(CommandStatus.SUCCEEDED);
          assertThat(e.outcome()).hasValueSatisfying(o -> assertThat(o.status()).isEqualTo(CommandStatus.SUCCEEDED));
        })
        .expectComplete().verify(WAIT);
  }

  @Test
  void eventsFluxCancelCancelsTheCommandAndFreesTheId() {
    v.hub.device("d1").onMethod("reboot", MethodReply.stall()).connect();
    Command reboot = command("reboot");
    StepVerifier.create(v.client.sendWithEvents("d1", reboot, DeliveryStrategy.directMethod()))
        .expectNextCount(1) // QUEUED
        .thenCancel()
        .verify(WAIT);
    assertThat(v.events).extracting(CommandEvent::status).endsWith(CommandStatus.CANCELLED);
    StepVerifier.create(v.client.sendWithEvents("d1", reboot, DeliveryStrategy.directMethod()).take(1))
        .assertNext(e -> assertThat(e.status()).isEqualTo(CommandStatus.QUEUED))
        .expectComplete().verify(WAIT);
  }

  @Test
  void aSecondSubscriptionWhileTheFirstIsInFlightFailsWithoutSending() {
    v.hub.device("d1").onMethod("reboot", MethodReply.stall()).connect();
    Command reboot = command("reboot");
    StepVerifier.create(v.client.sendWithEvents("d1", reboot, DeliveryStrategy.directMethod()))
        .expectNextCount(1)
        .then(() -> StepVerifier.create(v.client.send("d1", reboot, DeliveryStrategy.directMethod()))
            .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already in flight"))
            .verify(WAIT))
        .then(() -> StepVerifier.create(v.client.sendWithEvents("d1", reboot, DeliveryStrategy.directMethod()))
            .expectError(IllegalStateException.class)
            .verify(WAIT))
        .thenCancel()
        .verify(WAIT);
    assertThat(v.hub.invocationCount()).isEqualTo(1);
  }

  @Test
  void invalidArgumentsFailTheSubscriptionAndSendNothing() {
    v.hub.device("d1").connect();
    Command notJson = Command.named("raw").payload(new byte[] {1, 2}, "application/octet-stream").build();
    StepVerifier.create(v.client.send("d1", notJson, DeliveryStrategy.directMethod()))
        .expectError(IllegalArgumentException.class).verify(WAIT);
    StepVerifier.create(v.client.send("not a device id", command("x"), DeliveryStrategy.directMethod()))
        .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("deviceId"))
        .verify(WAIT);
    assertThat(v.hub.invocationCount()).isZero();
    assertThat(v.events).isEmpty();
  }

  @Test
  void nullArgumentsAreRefusedWhenThePublisherIsMade() {
    assertThatThrownBy(() -> v.client.send("d1", null, DeliveryStrategy.directMethod()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("command must not be null");
    assertThatThrownBy(() -> v.client.sendWithEvents("d1", command("x"), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("strategy must not be null");
    assertThatThrownBy(() -> v.client.run(null))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("plan must not be null");
  }

  @Test
  void builderWithoutCommandClientIsRefusedAtBuild() {
    assertThatThrownBy(() -> ReactiveCommandClient.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("commandClient must be set");
    assertThatThrownBy(() -> ReactiveCommandClient.builder().scheduler(null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scheduler");
  }

  @Test
  void theCommandClientRunsOnTheSchedulersClock() {
    AtomicInteger fired = new AtomicInteger();
    v.vts.advanceTimeBy(Duration.ofHours(1));
    assertThat(v.hub.now()).isEqualTo(java.time.Instant.EPOCH.plus(Duration.ofHours(1)));
    v.hubTime.schedule(Duration.ofSeconds(1), fired::incrementAndGet);
    v.vts.advanceTimeBy(Duration.ofSeconds(1));
    assertThat(fired).hasValue(1);
  }
}
