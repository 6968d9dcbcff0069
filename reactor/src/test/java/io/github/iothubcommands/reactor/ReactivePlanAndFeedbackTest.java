package io.github.iothubcommands.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.DirectMethod;
import io.github.iothubcommands.FailurePolicy;
import io.github.iothubcommands.SequencePlan;
import io.github.iothubcommands.SequenceResult;
import io.github.iothubcommands.engine.MethodRequest;
import io.github.iothubcommands.spi.FeedbackRecord;
import io.github.iothubcommands.spi.FeedbackStatus;
import io.github.iothubcommands.testkit.MethodReply;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

/** Sequence plans as a Flux of step results, and the hub's feedback as a hot Flux, in Reactor virtual time. */
@Timeout(30)
class ReactivePlanAndFeedbackTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private final VirtualHub v = new VirtualHub();

  @AfterEach
  void close() {
    v.close();
  }

  private static SequencePlan threeSteps(String device) {
    return SequencePlan.forDevice(device)
        .then(Command.named("download").id("s1").build(), DeliveryStrategy.cloudToDevice())
        .then(Command.named("install").id("s2").build(), DeliveryStrategy.directMethod())
        .then(Command.named("reboot").id("s3").build(), DeliveryStrategy.directMethod())
        .build();
  }

  @Test
  void planEmitsEveryStepInOrderWhenItEnds() {
    v.hub.device("gw").onMethod("install", MethodReply.respond(200, "{}").after(Duration.ofSeconds(2)))
        .onMethod("reboot", MethodReply.respond(202, "{}")).connect();
    StepVerifier.withVirtualTime(() -> v.client.run(threeSteps("gw")), () -> v.vts, Long.MAX_VALUE)
        .expectSubscription()
        .expectNoEvent(Duration.ofSeconds(15)) // the C2D step waits for the hub's feedback batch
        .thenAwait(Duration.ofSeconds(2))
        .assertNext(s -> assertThat(s.outcome().orElseThrow().status()).isEqualTo(CommandStatus.DELIVERED))
        .assertNext(s -> assertThat(s.outcome().orElseThrow().status()).isEqualTo(CommandStatus.SUCCEEDED))
        .assertNext(s -> assertThat(s.index()).isEqualTo(2))
        .expectComplete()
        .verify(WAIT);
  }

  @Test
  void aFailedStepStopsThePlanAndTheRestAreReportedNotRun() {
    v.hub.device("gw").onMethod("install", MethodReply.respond(500, "{}")).connect();
    StepVerifier.withVirtualTime(() -> v.client.runForResult(threeSteps("gw")), () -> v.vts, Long.MAX_VALUE)
        .thenAwait(Duration.ofSeconds(15))
        .assertNext(r -> {
          assertThat(r.succeeded()).isFalse();
          assertThat(r.failedStep()).hasValueSatisfying(s -> assertThat(s.index()).isEqualTo(1));
          assertThat(r.steps()).extracting(SequenceResult.StepResult::wasRun).containsExactly(true, true, false);
        })
        .expectComplete()
        .verify(WAIT);
    assertThat(v.hub.device("gw").methodCalls()).hasSize(1); // reboot never called
  }

  @Test
  void cancellingMidPlanCancelsTheRunningStepAndSendsNoMore() {
    v.hub.device("gw").onMethod("install", MethodReply.respond(200, "{}").after(Duration.ofSeconds(1)))
        .onMethod("configure", MethodReply.stall()).onMethod("reboot", MethodReply.respond(200, "{}")).connect();
    SequencePlan plan = SequencePlan.forDevice("gw")
        .then(Command.named("install").id("p1").build(), DeliveryStrategy.directMethod())
        .then(Command.named("configure").id("p2").build(), DeliveryStrategy.directMethod())
        .then(Command.named("reboot").id("p3").build(), DeliveryStrategy.directMethod())
        .build();
    StepVerifier.withVirtualTime(() -> v.client.run(plan), () -> v.vts, Long.MAX_VALUE)
        .expectSubscription()
        .thenAwait(Duration.ofSeconds(3)) // step 1 done at 1 s; step 2 waits on a stalled device
        .thenCancel()
        .verify(WAIT);
    assertThat(v.events).filteredOn(e -> e.commandId().equals("p2")).last()
        .satisfies(e -> assertThat(e.status()).isEqualTo(CommandStatus.CANCELLED));
    v.vts.advanceTimeBy(Duration.ofMinutes(10)); // past every timeout: step 3 never starts
    assertThat(v.events).noneMatch(e -> e.commandId().equals("p3"));
    assertThat(v.hub.device("gw").methodCalls()).extracting(MethodRequest::methodName)
        .containsExactly("install", "configure");
  }

  @Test
  void aStuckStepTimesOutInVirtualTimeAndItsSkipPolicyLetsThePlanGoOn() {
    v.hub.device("gw").onMethod("configure", MethodReply.stall())
        .onMethod("reboot", MethodReply.respond(200, "{}")).connect();
    SequencePlan plan = SequencePlan.forDevice("gw")
        .then(Command.named("configure").id("t1").build(), DirectMethod.custom()
            .responseTimeout(Duration.ofSeconds(60)).build())
        .timeout(Duration.ofSeconds(10)).onFailure(FailurePolicy.skip())
        .then(Command.named("reboot").id("t2").build(), DeliveryStrategy.directMethod())
        .build();
    StepVerifier.withVirtualTime(() -> v.client.runForResult(plan), () -> v.vts, Long.MAX_VALUE)
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(9_999))
        .thenAwait(Duration.ofMillis(1))
        .assertNext(r -> {
          assertThat(r.status()).isEqualTo(SequenceResult.Status.SUCCEEDED);
          assertThat(r.steps().get(0).status()).isEqualTo(SequenceResult.StepStatus.SKIPPED);
          assertThat(r.steps().get(0).timedOut()).isTrue();
          assertThat(r.steps().get(1).status()).isEqualTo(SequenceResult.StepStatus.SUCCEEDED);
          assertThat(r.duration()).isEqualTo(Duration.ofSeconds(10));
        })
        .expectComplete()
        .verify(WAIT);
  }

  @Test
  void feedbackIsHotASubscriberSeesOnlyRecordsThatArriveAfterIt() {
    v.hub.device("lamp").connect(); // it completes every message
    v.client.commandClient().sendAsync("lamp", Command.named("before").id("before").build(),
        DeliveryStrategy.cloudToDevice());
    v.vts.advanceTimeBy(Duration.ofSeconds(15)); // its feedback arrives before anyone subscribes
    List<FeedbackRecord> seen = new CopyOnWriteArrayList<>();
    Disposable subscription = v.client.feedback().subscribe(seen::add);
    StepVerifier.create(v.client.send("lamp", Command.named("on").id("on-1").build(),
            DeliveryStrategy.cloudToDevice()))
        .then(() -> v.vts.advanceTimeBy(Duration.ofSeconds(15)))
        .assertNext(o -> assertThat(o.status()).isEqualTo(CommandStatus.DELIVERED))
        .expectComplete()
        .verify(WAIT);
    subscription.dispose();
    assertThat(seen).extracting(FeedbackRecord::originalMessageId).containsExactly("on-1");
    assertThat(seen).extracting(FeedbackRecord::status).containsExactly(FeedbackStatus.SUCCESS);
  }

  @Test
  void feedbackCompletesWhenTheClientCloses() {
    StepVerifier.create(v.client.feedback())
        .then(v.client::close)
        .expectComplete()
        .verify(WAIT);
  }
}
