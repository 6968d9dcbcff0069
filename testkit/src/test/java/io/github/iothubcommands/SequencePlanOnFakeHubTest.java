package io.github.iothubcommands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.github.iothubcommands.SequenceResult.Status;
import io.github.iothubcommands.SequenceResult.StepResult;
import io.github.iothubcommands.SequenceResult.StepStatus;
import io.github.iothubcommands.testkit.FakeHub;
import io.github.iothubcommands.testkit.MessageReply;
import io.github.iothubcommands.testkit.MethodReply;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Sequence plans on the fake hub in virtual time: failure policies, step and plan timeouts, timing. */
@Timeout(10)
class SequencePlanOnFakeHubTest {
  private static final DirectMethod METHOD = DeliveryStrategy.directMethod();

  private final FakeHub hub = FakeHub.create();
  private final List<CommandEvent> events = new CopyOnWriteArrayList<>();
  private final CommandClient client = CommandClient.builder().transport(hub.transport()).listener(events::add)
      .build();
  /** What the device saw, in order: "method:name" or "c2d:name". */
  private final List<String> seen = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    client.close();
    hub.close();
  }

  /** Device d1, connected, answering each named method with the reply given, recording every call and message. */
  private void device(Object... methodsAndReplies) {
    var device = hub.device("d1");
    for (int i = 0; i < methodsAndReplies.length; i += 2) {
      String name = (String) methodsAndReplies[i];
      MethodReply reply = (MethodReply) methodsAndReplies[i + 1];
      device.onMethod(name, request -> {
        seen.add("method:" + request.methodName());
        return reply;
      });
    }
    device.onMessage(m -> {
      seen.add("c2d:" + m.message().properties().get(Command.NAME_PROPERTY));
      return MessageReply.complete();
    });
    device.connect();
  }

  private static MethodReply ok() {
    return MethodReply.respond(200, "{}");
  }

  private static Command cmd(String name) {
    return Command.named(name).id(name).build();
  }

  private static FailurePolicy.Compensate compensate(String name) {
    return FailurePolicy.compensate(cmd(name), METHOD);
  }

  @Test
  void aSkippedStepLetsThePlanGoOnAndItEndsSucceededWithTheSkipReported() {
    device("check", MethodReply.respond(500, "{\"error\":\"sensor\"}"), "install", ok());
    SequenceResult r = client.run(SequencePlan.forDevice("d1")
        .then(cmd("check"), METHOD).onFailure(FailurePolicy.skip())
        .then(cmd("install"), METHOD)
        .build());

    assertThat(r.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(r.succeeded()).isTrue();
    assertThat(r.steps()).extracting(StepResult::status).containsExactly(StepStatus.SKIPPED, StepStatus.SUCCEEDED);
    StepResult check = r.steps().get(0);
    assertThat(check.skipped()).isTrue();
    assertThat(check.outcome().orElseThrow().status()).isEqualTo(CommandStatus.FAILED);
    assertThat(check.detail()).contains("step 0 (check) failed: FAILED").contains("skipped");
    assertThat(r.failedStep()).isEmpty();
    assertThat(seen).containsExactly("method:check", "method:install");
  }

  @Test
  void withoutAPolicyTheFirstFailureStopsThePlanAsBefore() {
    device("check", MethodReply.respond(500, "{}"), "install", ok());
    SequenceResult r = client.run(SequencePlan.forDevice("d1")
        .then(cmd("check"), METHOD)
        .then(cmd("install"), METHOD)
        .build());

    assertThat(r.status()).isEqualTo(Status.FAILED);
    assertThat(r.steps()).extracting(StepResult::status).containsExactly(StepStatus.FAILED, StepStatus.NOT_RUN);
    assertThat(r.steps().get(1).detail()).startsWith("not run: step 0 (check) failed");
    assertThat(r.steps().get(1).startedAt()).isEmpty();
    assertThat(seen).containsExactly("method:check");
  }

  @Test
  void aCompensatedFailureUndoesItselfThenTheEarlierStepsLatestFirstAndStops() {
    device("install", MethodReply.respond(500, "{}"), "configure", ok(), "reboot", ok(),
        "rollback", ok(), "unconfigure", ok(), "deleteFile", ok(), "note", ok());
    CompletableFuture<SequenceResult> run = client.runAsync(SequencePlan.forDevice("d1")
        .then(cmd("download"), DeliveryStrategy.cloudToDevice()).onFailure(compensate("deleteFile"))
        .then(cmd("note"), METHOD).onFailure(FailurePolicy.skip()) // succeeds, but has nothing to undo
        .then(cmd("configure"), METHOD).onFailure(compensate("unconfigure"))
        .then(cmd("install"), METHOD).onFailure(compensate("rollback"))
        .then(cmd("reboot"), METHOD)
        .build());
    hub.advance(Duration.ofSeconds(15)); // the download's feedback
    SequenceResult r = run.join();

    assertThat(r.status()).isEqualTo(Status.COMPENSATED);
    assertThat(seen).containsExactly("c2d:download", "method:note", "method:configure", "method:install",
        "method:rollback", "method:unconfigure", "method:deleteFile");
    assertThat(r.steps()).extracting(StepResult::status).containsExactly(StepStatus.SUCCEEDED,
        StepStatus.SUCCEEDED, StepStatus.SUCCEEDED, StepStatus.FAILED, StepStatus.NOT_RUN);
    assertThat(r.steps()).extracting(StepResult::compensated).containsExactly(true, false, true, true, false);
    assertThat(r.steps().get(1).compensation()).isEmpty();
    assertThat(r.steps().get(4).detail()).contains("not run: step 3 (install) failed; compensated it and 2");
    assertThat(r.failedStep()).hasValueSatisfying(s -> assertThat(s.index()).isEqualTo(3));
    // the compensations' own outcomes and order, by their timing and ids
    assertThat(r.steps().get(3).compensation().orElseThrow().outcome().orElseThrow().commandId()).isEqualTo("rollback");
    assertThat(r.steps().get(0).compensation().orElseThrow().outcome().orElseThrow().status())
        .isEqualTo(CommandStatus.SUCCEEDED);
  }

  @Test
  void aFailedCompensationStopsTheChainAndTheRestAreReportedNotRun() {
    device("install", MethodReply.respond(500, "{}"), "configure", ok(), "rollback", MethodReply.respond(503, "{}"),
        "unconfigure", ok());
    SequenceResult r = client.run(SequencePlan.forDevice("d1")
        .then(cmd("configure"), METHOD).onFailure(compensate("unconfigure"))
        .then(cmd("install"), METHOD).onFailure(compensate("rollback"))
        .build());

    assertThat(r.status()).isEqualTo(Status.COMPENSATION_FAILED);
    assertThat(seen).containsExactly("method:configure", "method:install", "method:rollback");
    var rollback = r.steps().get(1).compensation().orElseThrow();
    assertThat(rollback.status()).isEqualTo(StepStatus.FAILED);
    assertThat(rollback.outcome().orElseThrow().methodResponse().orElseThrow().status()).isEqualTo(503);
    var unconfigure = r.steps().get(0).compensation().orElseThrow();
    assertThat(unconfigure.status()).isEqualTo(StepStatus.NOT_RUN);
    assertThat(unconfigure.outcome()).isEmpty();
    assertThat(unconfigure.detail()).contains("the compensation of step 1 (install) failed");
    assertThat(r.detail()).startsWith("the compensation of step 1 (install) failed: FAILED");
    assertThat(r.steps()).extracting(StepResult::compensated).containsExactly(false, false);
  }

  @Test
  void aStopOrSkipFailureNeverRunsTheCompensationsOfEarlierSteps() {
    device("configure", ok(), "install", MethodReply.respond(500, "{}"), "unconfigure", ok());
    SequenceResult r = client.run(SequencePlan.forDevice("d1")
        .then(cmd("configure"), METHOD).onFailure(compensate("unconfigure"))
        .then(cmd("install"), METHOD)
        .build());

    assertThat(r.status()).isEqualTo(Status.FAILED);
    assertThat(seen).containsExactly("method:configure", "method:install");
    assertThat(r.steps()).allSatisfy(s -> assertThat(s.compensation()).isEmpty());
  }

  @Test
  void aStuckCloudToDeviceStepEndsAtItsTimeoutNotAtItsTimeToLive() {
    hub.device("d1"); // offline: the message waits in its queue; ack FULL waits for feedback for an hour or more
    hub.device("d1").onMethod("report", request -> {
      seen.add("method:report");
      return ok();
    });
    CompletableFuture<SequenceResult> run = client.runAsync(SequencePlan.forDevice("d1")
        .then(cmd("download"), CloudToDevice.custom().acknowledgement(Acknowledgement.FULL)
            .timeToLive(Duration.ofHours(1)).build())
            .timeout(Duration.ofSeconds(30)).onFailure(FailurePolicy.skip())
        .then(cmd("report"), DirectMethod.custom().connectTimeout(Duration.ofSeconds(60)).build())
        .build());
    Instant start = hub.now();

    hub.advance(Duration.ofSeconds(29));
    assertThat(events).noneMatch(e -> e.status().isTerminal());
    hub.advance(Duration.ofSeconds(1)); // the step timeout: the download is cancelled, report is called
    hub.device("d1").connect();
    hub.advance(Duration.ofSeconds(1));
    SequenceResult r = run.join();

    StepResult download = r.steps().get(0);
    assertThat(download.status()).isEqualTo(StepStatus.SKIPPED);
    assertThat(download.timedOut()).isTrue();
    assertThat(download.outcome().orElseThrow().status()).isEqualTo(CommandStatus.CANCELLED);
    assertThat(download.outcome().orElseThrow().detail())
        .isEqualTo("cancelled: step 0 (download) had no terminal outcome within its timeout of 30 s");
    assertThat(download.detail()).contains("step 0 (download) was cancelled: it had no terminal outcome within its "
        + "timeout of 30 s");
    assertThat(download.finishedAt()).contains(start.plusSeconds(30));
    assertThat(r.steps().get(1).startedAt()).contains(start.plusSeconds(30));
    assertThat(r.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(seen).containsExactly("method:report");
  }

  @Test
  void aMethodThatNeverAnswersEndsThePlanAtTheStepTimeoutNotAtTheMethodsTimeouts() {
    device("flash", MethodReply.stall(), "reboot", ok());
    CompletableFuture<SequenceResult> run = client.runAsync(SequencePlan.forDevice("d1")
        .then(cmd("flash"), DirectMethod.custom().responseTimeout(Duration.ofSeconds(300)).build())
            .timeout(Duration.ofSeconds(10))
        .then(cmd("reboot"), METHOD)
        .build());
    Instant start = hub.now();

    hub.advance(Duration.ofMillis(9_999));
    assertThat(run).isNotDone();
    hub.advance(Duration.ofMillis(1));
    assertThat(run).isDone();
    SequenceResult r = run.join();

    assertThat(r.status()).isEqualTo(Status.FAILED);
    assertThat(r.finishedAt()).isEqualTo(start.plusSeconds(10));
    assertThat(r.duration()).isEqualTo(Duration.ofSeconds(10));
    assertThat(r.steps().get(0).timedOut()).isTrue();
    assertThat(r.steps().get(0).outcome().orElseThrow().status()).isEqualTo(CommandStatus.CANCELLED);
    assertThat(r.steps().get(1).status()).isEqualTo(StepStatus.NOT_RUN);
    assertThat(events).filteredOn(e -> e.commandId().equals("flash")).extracting(CommandEvent::status)
        .containsExactly(CommandStatus.QUEUED, CommandStatus.CANCELLED);
    hub.advance(Duration.ofSeconds(400)); // the hub's own 504 later changes nothing
    assertThat(seen).containsExactly("method:flash");
  }

  @Test
  void aStepThatEndsBeforeItsTimeoutLeavesNoTimerBehindForTheNextStep() {
    device("quick", MethodReply.respond(200, "{}").after(Duration.ofSeconds(1)),
        "slow", MethodReply.respond(200, "{}").after(Duration.ofSeconds(25)));
    CompletableFuture<SequenceResult> run = client.runAsync(SequencePlan.forDevice("d1")
        .then(cmd("quick"), METHOD).timeout(Duration.ofSeconds(10))
        .then(cmd("slow"), METHOD)
        .build());

    hub.advance(Duration.ofSeconds(30));
    SequenceResult r = run.join();

    assertThat(r.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(r.steps()).extracting(s -> s.outcome().orElseThrow().status())
        .containsExactly(CommandStatus.SUCCEEDED, CommandStatus.SUCCEEDED);
    assertThat(r.steps()).noneMatch(StepResult::timedOut);
  }

  @Test
  void thePlanTimeoutCancelsTheRunningStepReportsTheRestNotRunAndRunsNoCompensation() {
    device("a", MethodReply.respond(200, "{}").after(Duration.ofSeconds(20)),
        "b", MethodReply.respond(200, "{}").after(Duration.ofSeconds(20)),
        "c", MethodReply.respond(200, "{}").after(Duration.ofSeconds(20)),
        "undoA", ok(), "undoB", ok());
    CompletableFuture<SequenceResult> run = client.runAsync(SequencePlan.forDevice("d1")
        .planTimeout(Duration.ofSeconds(30))
        .then(cmd("a"), METHOD).onFailure(compensate("undoA"))
        .then(cmd("b"), METHOD).onFailure(compensate("undoB"))
        .then(cmd("c"), METHOD)
        .build());
    Instant start = hub.now();

    hub.advance(Duration.ofSeconds(29));
    assertThat(run).isNotDone();
    hub.advance(Duration.ofSeconds(1));
    SequenceResult r = run.join();

    assertThat(r.status()).isEqualTo(Status.TIMED_OUT);
    assertThat(r.finishedAt()).isEqualTo(start.plusSeconds(30));
    assertThat(r.detail()).isEqualTo("the plan timeout of 30 s passed during step 1 (b)");
    assertThat(r.steps()).extracting(StepResult::status, StepResult::timedOut).containsExactly(
        tuple(StepStatus.SUCCEEDED, false), tuple(StepStatus.FAILED, true), tuple(StepStatus.NOT_RUN, false));
    assertThat(r.steps().get(1).outcome().orElseThrow().detail())
        .isEqualTo("cancelled: step 1 (b) was still running when the plan timeout of 30 s passed");
    assertThat(r.steps().get(2).detail()).isEqualTo("not run: the plan timeout of 30 s passed during step 1 (b)");
    assertThat(r.steps()).allSatisfy(s -> assertThat(s.compensation()).isEmpty());
    hub.advance(Duration.ofSeconds(60));
    assertThat(seen).containsExactly("method:a", "method:b");
  }

  @Test
  void thePlanTimeoutAlsoBoundsCompensations() {
    device("configure", ok(), "install", MethodReply.respond(500, "{}"),
        "rollback", MethodReply.respond(200, "{}").after(Duration.ofSeconds(50)), "unconfigure", ok());
    CompletableFuture<SequenceResult> run = client.runAsync(SequencePlan.forDevice("d1")
        .then(cmd("configure"), METHOD).onFailure(compensate("unconfigure"))
        .then(cmd("install"), METHOD).onFailure(FailurePolicy.compensate(cmd("rollback"),
            DirectMethod.custom().responseTimeout(Duration.ofSeconds(60)).build()))
        .planTimeout(Duration.ofSeconds(40))
        .build());

    hub.advance(Duration.ofSeconds(40));
    SequenceResult r = run.join();

    assertThat(r.status()).isEqualTo(Status.TIMED_OUT);
    var rollback = r.steps().get(1).compensation().orElseThrow();
    assertThat(rollback.status()).isEqualTo(StepStatus.FAILED);
    assertThat(rollback.timedOut()).isTrue();
    assertThat(rollback.outcome().orElseThrow().status()).isEqualTo(CommandStatus.CANCELLED);
    assertThat(r.steps().get(0).compensation().orElseThrow().status()).isEqualTo(StepStatus.NOT_RUN);
    hub.advance(Duration.ofSeconds(60));
    assertThat(seen).containsExactly("method:configure", "method:install", "method:rollback");
  }

  @Test
  void aCompensationTimeoutFailsTheCompensation() {
    device("install", MethodReply.respond(500, "{}"), "rollback", MethodReply.stall());
    CompletableFuture<SequenceResult> run = client.runAsync(SequencePlan.forDevice("d1")
        .then(cmd("install"), METHOD).onFailure(compensate("rollback").timeout(Duration.ofSeconds(8)))
        .build());
    Instant start = hub.now();

    hub.advance(Duration.ofSeconds(8));
    SequenceResult r = run.join();

    assertThat(r.status()).isEqualTo(Status.COMPENSATION_FAILED);
    var rollback = r.steps().get(0).compensation().orElseThrow();
    assertThat(rollback.timedOut()).isTrue();
    assertThat(rollback.finishedAt()).contains(start.plusSeconds(8));
    assertThat(rollback.detail()).isEqualTo("the compensation of step 0 (install) was cancelled: it had no "
        + "terminal outcome within its timeout of 8 s");
  }

  @Test
  void everyStepAndThePlanCarryTheirTimingFromTheInjectedClock() {
    device("a", MethodReply.respond(200, "{}").after(Duration.ofSeconds(3)),
        "b", MethodReply.respond(500, "{}").after(Duration.ofSeconds(5)),
        "undoB", MethodReply.respond(200, "{}").after(Duration.ofSeconds(2)));
    hub.advance(Duration.ofSeconds(100)); // not at the epoch: start is read from the clock
    Instant start = hub.now();
    CompletableFuture<SequenceResult> run = client.runAsync(SequencePlan.forDevice("d1")
        .then(cmd("a"), METHOD)
        .then(cmd("b"), METHOD).onFailure(compensate("undoB"))
        .then(cmd("c"), METHOD)
        .build());

    hub.advance(Duration.ofSeconds(10));
    SequenceResult r = run.join();

    assertThat(r.startedAt()).isEqualTo(start);
    assertThat(r.finishedAt()).isEqualTo(start.plusSeconds(10));
    assertThat(r.duration()).isEqualTo(Duration.ofSeconds(10));
    assertThat(r.steps()).extracting(s -> s.startedAt().orElse(null), s -> s.finishedAt().orElse(null),
        s -> s.duration().orElse(null)).containsExactly(
        tuple(start, start.plusSeconds(3), Duration.ofSeconds(3)),
        tuple(start.plusSeconds(3), start.plusSeconds(8), Duration.ofSeconds(5)),
        tuple(null, null, null));
    var undo = r.steps().get(1).compensation().orElseThrow();
    assertThat(undo.startedAt()).contains(start.plusSeconds(8));
    assertThat(undo.finishedAt()).contains(start.plusSeconds(10));
    assertThat(undo.duration()).contains(Duration.ofSeconds(2));
  }

  @Test
  void aCompensationThatIsInvalidForItsStrategyIsRefusedBeforeAnythingIsSent() {
    device("install", ok());
    SequencePlan plan = SequencePlan.forDevice("d1")
        .then(cmd("install"), METHOD)
        .onFailure(FailurePolicy.compensate(Command.named("rollback").property("k", "v").build(), METHOD))
        .build();

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.runAsync(plan))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("properties");
    assertThat(events).isEmpty();
    assertThat(hub.invocationCount()).isZero();
  }

  @Test
  void aStepWhoseIdIsInFlightElsewhereFailsAndItsPolicyApplies() {
    device("install", ok());
    hub.device("d1").onMethod("busy", MethodReply.stall());
    client.sendAsync("d1", Command.named("busy").id("shared").build(), METHOD);
    SequenceResult r = client.run(SequencePlan.forDevice("d1")
        .then(Command.named("busy").id("shared").build(), METHOD).onFailure(FailurePolicy.skip())
        .then(cmd("install"), METHOD)
        .build());

    assertThat(r.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(r.steps().get(0).status()).isEqualTo(StepStatus.SKIPPED);
    assertThat(r.steps().get(0).outcome().orElseThrow().detail()).contains("could not be sent")
        .contains("already in flight");
  }

  @Test
  void aLongPlanWhoseStepsAnswerAtOnceRunsWithoutGrowingTheStack() {
    hub.device("d1").onMethod("tick", MethodReply.respond(200, "{}")).connect();
    SequencePlan.Steps steps = SequencePlan.forDevice("d1").then(Command.named("tick").id("tick-0").build(), METHOD);
    int n = 20_000;
    for (int i = 1; i < n; i++) {
      steps.then(Command.named("tick").id("tick-" + i).build(), METHOD).onFailure(FailurePolicy.skip());
    }
    SequenceResult r;
    try (CommandClient quiet = CommandClient.builder().transport(hub.transport()).build()) { // no event list
      r = quiet.run(steps.build());
    }

    assertThat(r.status()).as(r.detail()).isEqualTo(Status.SUCCEEDED);
    assertThat(r.steps()).hasSize(n).allMatch(StepResult::succeeded);
    assertThat(hub.invocationCount("d1")).isEqualTo(n);
  }

  @Test
  void closingTheClientEndsThePlanFailedWhateverThePolicies() {
    device("flash", MethodReply.stall(), "reboot", ok(), "undo", ok());
    CompletableFuture<SequenceResult> run = client.runAsync(SequencePlan.forDevice("d1")
        .then(cmd("flash"), METHOD).onFailure(FailurePolicy.skip())
        .then(cmd("reboot"), METHOD).onFailure(compensate("undo"))
        .build());

    client.close();
    SequenceResult r = run.join();

    assertThat(r.status()).isEqualTo(Status.FAILED);
    assertThat(r.steps()).extracting(StepResult::status).containsExactly(StepStatus.FAILED, StepStatus.NOT_RUN);
    assertThat(r.steps().get(0).outcome().orElseThrow().detail()).contains("client closed");
    assertThat(r.detail()).endsWith("; the client is closed");
    assertThat(seen).containsExactly("method:flash");
  }

  @Test
  void cancellingTheResultStopsThePlanAndCancelsItsRunningCommand() {
    device("flash", MethodReply.stall(), "reboot", ok());
    CompletableFuture<SequenceResult> run = client.runAsync(SequencePlan.forDevice("d1")
        .planTimeout(Duration.ofSeconds(100))
        .then(cmd("flash"), METHOD).onFailure(FailurePolicy.skip())
        .then(cmd("reboot"), METHOD)
        .build());
    hub.advance(Duration.ofSeconds(1));

    assertThat(run.cancel(true)).isTrue();

    assertThat(events).filteredOn(e -> e.commandId().equals("flash")).last().satisfies(e -> {
      assertThat(e.status()).isEqualTo(CommandStatus.CANCELLED);
      assertThat(e.outcome().orElseThrow().detail())
          .isEqualTo("cancelled: step 0 (flash) was running when the caller cancelled the plan");
    });
    hub.advance(Duration.ofSeconds(200)); // neither the skip policy nor the plan timeout sends anything more
    assertThat(seen).containsExactly("method:flash");
  }
}
