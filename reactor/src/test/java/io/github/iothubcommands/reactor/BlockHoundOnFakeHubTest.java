package io.github.iothubcommands.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.DirectMethod;
import io.github.iothubcommands.RetryPolicy;
import io.github.iothubcommands.SequencePlan;
import io.github.iothubcommands.SequenceResult;
import io.github.iothubcommands.engine.HubLimits;
import io.github.iothubcommands.spi.FeedbackRecord;
import io.github.iothubcommands.testkit.FakeHub;
import io.github.iothubcommands.testkit.MethodReply;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.blockhound.BlockingOperationError;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * BlockHound watches every Reactor thread while the reactive client drives the fake hub for real: commands
 * subscribed on {@code Schedulers.parallel()}, the client's and the hub's timers on it too (a {@link
 * ReactorTimeSource} each), so every delivery, timeout, feedback batch and plan step runs on a non-blocking
 * thread.
 */
@Timeout(60)
class BlockHoundOnFakeHubTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private ReactorTimeSource hubTime;
  private FakeHub hub;
  private ReactiveCommandClient client;

  @BeforeEach
  void start() {
    RecordingBlockHound.drain();
    hubTime = ReactorTimeSource.on(Schedulers.parallel());
    hub = FakeHub.builder().timeSource(hubTime)
        .limits(HubLimits.custom().feedbackBatchInterval(Duration.ofMillis(50)).build()).build();
    client = ReactiveCommandClient.builder()
        .commandClient(CommandClient.builder().transport(hub.transport()).feedbackWindow(Duration.ofMillis(500)))
        .scheduler(Schedulers.parallel())
        .build();
  }

  @AfterEach
  void stop() {
    client.close();
    hub.close();
    hubTime.close();
  }

  @Test
  void blockHoundIsInstalledAndCatchesABlockingCallOnAReactorThread() {
    StepVerifier.create(Mono.fromCallable(() -> {
      Thread.sleep(1);
      return 1;
    }).subscribeOn(Schedulers.parallel()))
        .expectError(BlockingOperationError.class)
        .verify(WAIT);
    assertThat(RecordingBlockHound.drain()).singleElement().asString().contains("java.lang.Thread.sleep");
  }

  @Test
  void everyPublisherRunsWithoutBlockingAReactorThread() {
    hub.device("offline-1");
    hub.device("d1").onMethod("reboot", MethodReply.respond(200, "{}").after(Duration.ofMillis(20)))
        .onMethod("hang", MethodReply.stall()).connect();
    List<String> fleet = IntStream.range(0, 200).mapToObj(i -> "f-" + i).toList();
    fleet.forEach(id -> hub.device(id).onMethod("ping", MethodReply.respond(200, "{}").after(Duration.ofMillis(5)))
        .connect());
    List<FeedbackRecord> feedback = new CopyOnWriteArrayList<>();
    Disposable feed = client.feedback().subscribe(feedback::add);

    StepVerifier.create(client.send("d1", Command.named("reboot").build(), DeliveryStrategy.directMethod())
            .subscribeOn(Schedulers.parallel()))
        .assertNext(o -> assertThat(o.status()).isEqualTo(CommandStatus.SUCCEEDED))
        .expectComplete().verify(WAIT);
    StepVerifier.create(client.send("d1", Command.named("on").build(), DeliveryStrategy.cloudToDevice())
            .subscribeOn(Schedulers.parallel()))
        .assertNext(o -> assertThat(o.status()).isEqualTo(CommandStatus.DELIVERED))
        .expectComplete().verify(WAIT);
    StepVerifier.create(client.sendWithEvents("d1", Command.named("reboot").id("r-2").build(),
            DeliveryStrategy.directMethod()).subscribeOn(Schedulers.parallel()))
        .expectNextCount(3).expectComplete().verify(WAIT);
    StepVerifier.create(client.send("d1", Command.named("hang").build(),
            DirectMethod.custom().responseTimeout(Duration.ofSeconds(5)).build()).subscribeOn(Schedulers.parallel())
            .timeout(Duration.ofMillis(100), Mono.empty())) // cancels the command on a parallel thread
        .expectComplete().verify(WAIT);
    StepVerifier.create(client.send("offline-1", Command.named("reboot").build(), DirectMethod.custom()
            .retry(RetryPolicy.custom().maxAttempts(3).initialBackoff(Duration.ofMillis(10)).build()).build())
            .subscribeOn(Schedulers.parallel())) // retries on the parallel scheduler's timers
        .assertNext(o -> {
          assertThat(o.status()).isEqualTo(CommandStatus.DEVICE_OFFLINE);
          assertThat(o.attempts()).isEqualTo(3);
        })
        .expectComplete().verify(WAIT);
    StepVerifier.create(client.run(SequencePlan.forDevice("d1")
            .then(Command.named("on").id("p-1").build(), DeliveryStrategy.cloudToDevice())
            .then(Command.named("reboot").id("p-2").build(), DeliveryStrategy.directMethod()).build())
            .subscribeOn(Schedulers.parallel()))
        .expectNextMatches(SequenceResult.StepResult::succeeded)
        .expectNextMatches(SequenceResult.StepResult::succeeded)
        .expectComplete().verify(WAIT);
    StepVerifier.create(client.fanOut(Flux.fromIterable(fleet).subscribeOn(Schedulers.parallel()),
            id -> Command.named("ping").id("ping-" + id).build(), DeliveryStrategy.directMethod(), 20))
        .expectNextCount(fleet.size()).expectComplete().verify(WAIT);
    feed.dispose();

    assertThat(feedback).extracting(FeedbackRecord::originalMessageId).contains("p-1");
    assertThat(RecordingBlockHound.drain()).as("blocking calls on Reactor threads").isEmpty();
  }

  @Test
  void outcomesArriveOnReactorThreadsWhenTheHubsTimersFireThere() {
    hub.device("d1").onMethod("reboot", MethodReply.respond(200, "{}").after(Duration.ofMillis(20))).connect();
    StepVerifier.create(client.send("d1", Command.named("reboot").build(), DeliveryStrategy.directMethod())
            .map(o -> Thread.currentThread().getName()))
        .assertNext(thread -> assertThat(thread).startsWith("parallel-"))
        .expectComplete().verify(WAIT);
    assertThat(RecordingBlockHound.drain()).isEmpty();
  }
}
