package io.github.iothubcommands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubcommands.SequenceResult.CompensationResult;
import io.github.iothubcommands.SequenceResult.Status;
import io.github.iothubcommands.SequenceResult.StepResult;
import io.github.iothubcommands.SequenceResult.StepStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plan's staged builder (timeouts, failure policies, id checks) and the result's builders. */
class SequencePlanTest {
  private static final DirectMethod METHOD = DeliveryStrategy.directMethod();
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  private static Command cmd(String id) {
    return Command.named("c").id(id).build();
  }

  @Test
  void stepsCarryTheirTimeoutAndPolicyAndDefaultToNoTimeoutAndStop() {
    FailurePolicy.Compensate undo = FailurePolicy.compensate(cmd("undo"), METHOD).timeout(Duration.ofSeconds(5));
    SequencePlan plan = SequencePlan.forDevice("d1").planTimeout(Duration.ofMinutes(5))
        .then(cmd("a"), METHOD)
        .then(cmd("b"), METHOD).timeout(Duration.ofSeconds(30)).onFailure(undo)
        .then(cmd("c"), METHOD).onFailure(FailurePolicy.skip())
        .build();

    assertThat(plan.planTimeout()).contains(Duration.ofMinutes(5));
    assertThat(plan.steps()).extracting(s -> s.timeout().orElse(null))
        .containsExactly(null, Duration.ofSeconds(30), null);
    assertThat(plan.steps()).extracting(s -> s.failurePolicy().kind())
        .containsExactly(FailurePolicy.Kind.STOP, FailurePolicy.Kind.COMPENSATE, FailurePolicy.Kind.SKIP);
    assertThat(plan.steps().get(0).failurePolicy()).isSameAs(SequencePlan.DEFAULT_FAILURE_POLICY);
    assertThat(undo.timeout()).contains(Duration.ofSeconds(5));
    assertThat(plan).isEqualTo(SequencePlan.forDevice("d1").planTimeout(Duration.ofMinutes(5))
        .then(cmd("a"), METHOD)
        .then(cmd("b"), METHOD).timeout(Duration.ofSeconds(30)).onFailure(undo)
        .then(cmd("c"), METHOD).onFailure(FailurePolicy.skip())
        .build());
    assertThat(plan.toString()).contains("planTimeout=300 s", "timeout 30 s", "onFailure compensate(c undo");
  }

  @Test
  void timeoutsOutsideTheirRangeNameTheFieldTheRuleAndTheValue() {
    var steps = SequencePlan.forDevice("d1").then(cmd("a"), METHOD).then(cmd("b"), METHOD);
    assertThatThrownBy(() -> steps.timeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("steps[1].timeout must be between 0.001 s and 604800 s, but was 0 s");
    assertThatThrownBy(() -> steps.timeout(Duration.ofDays(8))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("steps[1].timeout must be between 0.001 s and 604800 s, but was 691200 s");
    assertThatThrownBy(() -> steps.timeout(null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("steps[1].timeout must not be null");
    assertThatThrownBy(() -> steps.planTimeout(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("planTimeout must be between 0.001 s and 604800 s, but was -1 s");
    assertThatThrownBy(() -> SequencePlan.forDevice("d1").planTimeout(Duration.ZERO))
        .hasMessage("planTimeout must be between 0.001 s and 604800 s, but was 0 s");
    assertThatThrownBy(() -> FailurePolicy.compensate(cmd("u"), METHOD).timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("compensate.timeout must be between 0.001 s and 604800 s, but was 0 s");
    assertThatThrownBy(() -> steps.onFailure(null)).hasMessage("policy must not be null");
    assertThatThrownBy(() -> FailurePolicy.compensate(null, METHOD)).hasMessage("command must not be null");
    assertThatThrownBy(() -> FailurePolicy.compensate(cmd("u"), null)).hasMessage("strategy must not be null");
  }

  @Test
  void aStepOrCompensationTimeoutLongerThanThePlanTimeoutIsAConflictAtBuild() {
    assertThatThrownBy(() -> SequencePlan.forDevice("d1").planTimeout(Duration.ofSeconds(60))
        .then(cmd("a"), METHOD).timeout(Duration.ofSeconds(61)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("steps[0].timeout (61 s) must not be longer than planTimeout (60 s): the plan would always end "
            + "first");
    assertThatThrownBy(() -> SequencePlan.forDevice("d1")
        .then(cmd("a"), METHOD).onFailure(FailurePolicy.compensate(cmd("u"), METHOD).timeout(Duration.ofSeconds(90)))
        .planTimeout(Duration.ofSeconds(60)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("steps[0].onFailure.timeout (90 s) must not be longer than planTimeout (60 s)");
    assertThat(SequencePlan.forDevice("d1").planTimeout(Duration.ofSeconds(60))
        .then(cmd("a"), METHOD).timeout(Duration.ofSeconds(60)).build().steps()).hasSize(1);
  }

  @Test
  void compensationIdsAreCheckedAgainstEveryOtherIdInThePlan() {
    assertThatThrownBy(() -> SequencePlan.forDevice("d1").then(cmd("a"), METHOD)
        .onFailure(FailurePolicy.compensate(cmd("a"), METHOD)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("steps[0].onFailure.command.id must differ from every other command id in the plan (ids are "
            + "idempotency keys), but was 'a', the id of steps[0].command");
    assertThatThrownBy(() -> SequencePlan.forDevice("d1").then(cmd("a"), METHOD)
        .onFailure(FailurePolicy.compensate(cmd("undo"), METHOD))
        .then(cmd("undo"), METHOD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("but was 'undo', the id of steps[0].onFailure.command");
    assertThatThrownBy(() -> SequencePlan.forDevice("d1")
        .then(cmd("a"), METHOD).onFailure(FailurePolicy.compensate(cmd("undo"), METHOD))
        .then(cmd("b"), METHOD).onFailure(FailurePolicy.compensate(cmd("undo"), METHOD)))
        .hasMessageStartingWith("steps[1].onFailure.command.id must differ");
  }

  @Test
  void replacingAPolicyFreesTheIdOfTheCompensationItReplaces() {
    var steps = SequencePlan.forDevice("d1").then(cmd("a"), METHOD)
        .onFailure(FailurePolicy.compensate(cmd("undo"), METHOD))
        .onFailure(FailurePolicy.skip());
    SequencePlan plan = steps.then(cmd("undo"), METHOD).build();
    assertThat(plan.steps()).extracting(s -> s.command().id()).containsExactly("a", "undo");

    var kept = SequencePlan.forDevice("d1").then(cmd("a"), METHOD)
        .onFailure(FailurePolicy.compensate(cmd("undo"), METHOD));
    assertThatThrownBy(() -> kept.onFailure(FailurePolicy.compensate(cmd("a"), METHOD)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> kept.then(cmd("undo"), METHOD)) // the refused replacement left "undo" claimed
        .hasMessageEndingWith("the id of steps[0].onFailure.command");
  }

  private static CommandOutcome outcome(String id, CommandStatus status) {
    return CommandOutcome.builder().commandId(id).deviceId("d1").status(status).completedAt(T).build();
  }

  @Test
  void stepResultsAreCheckedForConsistencyAtBuild() {
    SequencePlan plan = SequencePlan.forDevice("d1").then(cmd("a"), METHOD)
        .onFailure(FailurePolicy.compensate(cmd("u"), METHOD)).build();
    SequencePlan.Step step = plan.steps().get(0);
    assertThatThrownBy(() -> StepResult.builder(0, step).build())
        .isInstanceOf(IllegalStateException.class).hasMessage("steps[0]: status must be set before build(), but was not");
    assertThatThrownBy(() -> StepResult.builder(0, step).status(StepStatus.SUCCEEDED).build())
        .hasMessage("steps[0]: a SUCCEEDED result needs its outcome, startedAt and finishedAt");
    assertThatThrownBy(() -> StepResult.builder(0, step).status(StepStatus.SUCCEEDED)
        .ran(outcome("a", CommandStatus.FAILED), T, T).build())
        .hasMessage("steps[0]: status SUCCEEDED does not match the outcome's FAILED");
    assertThatThrownBy(() -> StepResult.builder(0, step).status(StepStatus.FAILED)
        .ran(outcome("other", CommandStatus.FAILED), T, T).build())
        .hasMessageContaining("the outcome must be the command's (id 'a')");
    assertThatThrownBy(() -> StepResult.builder(0, step).status(StepStatus.FAILED)
        .ran(outcome("a", CommandStatus.FAILED), T, T.minusSeconds(1)).build())
        .hasMessageContaining("finishedAt must not be before startedAt");
    assertThatThrownBy(() -> StepResult.builder(0, step).status(StepStatus.NOT_RUN).timedOut(true).build())
        .hasMessage("steps[0]: a NOT_RUN result has no outcome, start, finish or timeout");
    CompensationResult other = CompensationResult.builder(FailurePolicy.compensate(cmd("x"), METHOD))
        .status(StepStatus.NOT_RUN).build();
    assertThatThrownBy(() -> StepResult.builder(0, step).status(StepStatus.FAILED)
        .ran(outcome("a", CommandStatus.FAILED), T, T).compensation(other).build())
        .hasMessageContaining("only a step with a compensate policy");
    assertThatThrownBy(() -> CompensationResult.builder((FailurePolicy.Compensate) step.failurePolicy())
        .status(StepStatus.SKIPPED)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("status must be SUCCEEDED, FAILED or NOT_RUN for a compensation, but was SKIPPED");
    assertThatThrownBy(() -> StepResult.builder(-1, step)).hasMessage("index must not be negative, but was -1");

    StepResult ok = StepResult.builder(0, step).status(StepStatus.FAILED).timedOut(true)
        .ran(outcome("a", CommandStatus.CANCELLED), T, T.plusSeconds(3))
        .compensation(CompensationResult.builder((FailurePolicy.Compensate) step.failurePolicy())
            .status(StepStatus.SUCCEEDED).ran(outcome("u", CommandStatus.SUCCEEDED), T.plusSeconds(3),
                T.plusSeconds(4)).build())
        .build();
    assertThat(ok.duration()).contains(Duration.ofSeconds(3));
    assertThat(ok.compensated()).isTrue();
    assertThat(ok.compensation().orElseThrow().duration()).contains(Duration.ofSeconds(1));
    assertThat(ok.toBuilder().build()).isEqualTo(ok);
    assertThat(ok.toBuilder().detail("x").build()).isNotEqualTo(ok);
  }

  @Test
  void aSequenceResultIsCheckedForConsistencyAtBuild() {
    SequencePlan plan = SequencePlan.forDevice("d1").then(cmd("a"), METHOD).then(cmd("b"), METHOD).build();
    StepResult failed = StepResult.builder(0, plan.steps().get(0)).status(StepStatus.FAILED)
        .ran(outcome("a", CommandStatus.FAILED), T, T).build();
    StepResult notRun = StepResult.builder(1, plan.steps().get(1)).status(StepStatus.NOT_RUN).build();
    var b = SequenceResult.builder().deviceId("d1").startedAt(T).finishedAt(T.plusSeconds(1));

    assertThatThrownBy(() -> b.build()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("but status was not");
    assertThatThrownBy(() -> b.status(Status.SUCCEEDED).steps(List.of(failed, notRun)).build())
        .hasMessageStartingWith("status SUCCEEDED needs every step SUCCEEDED or SKIPPED");
    assertThatThrownBy(() -> b.status(Status.COMPENSATED).steps(List.of(failed, notRun)).build())
        .hasMessage("status COMPENSATED needs at least one step with a compensation");
    assertThatThrownBy(() -> b.status(Status.FAILED).steps(List.of(notRun, failed)).build())
        .hasMessage("steps must be in plan order, but steps[0] has index 1");
    assertThatThrownBy(() -> b.status(Status.FAILED).steps(List.of()).build())
        .hasMessage("steps must not be empty: a plan has at least one step");
    assertThatThrownBy(() -> b.status(Status.FAILED).steps(List.of(failed, notRun)).finishedAt(T.minusNanos(1))
        .build()).hasMessageStartingWith("finishedAt must not be before startedAt");

    SequenceResult r = b.status(Status.FAILED).steps(List.of(failed, notRun)).finishedAt(T.plusSeconds(1))
        .detail("step 0 failed").build();
    assertThat(r.duration()).isEqualTo(Duration.ofSeconds(1));
    assertThat(r.failedStep()).contains(failed);
    assertThat(r.succeeded()).isFalse();
    assertThat(r.toBuilder().build()).isEqualTo(r);
    assertThat(r.toString()).contains("FAILED", "took 1 s", "step 0 failed");
  }

  @Test
  void aRetargetedPlanKeepsTimeoutsAndPoliciesAndRenamesEveryCommandCompensationsIncluded() {
    SequencePlan plan = SequencePlan.forDevice("template").planTimeout(Duration.ofMinutes(2))
        .then(cmd("a"), METHOD).timeout(Duration.ofSeconds(30))
            .onFailure(FailurePolicy.compensate(cmd("undo"), METHOD).timeout(Duration.ofSeconds(5)))
        .then(cmd("b"), METHOD).onFailure(FailurePolicy.skip())
        .build();

    SequencePlan copy = plan.retarget("pump-7", c -> c.toBuilder().id(c.id() + "-pump-7").build());

    assertThat(copy.deviceId()).isEqualTo("pump-7");
    assertThat(copy.planTimeout()).contains(Duration.ofMinutes(2));
    assertThat(copy.steps()).extracting(s -> s.command().id()).containsExactly("a-pump-7", "b-pump-7");
    assertThat(copy.steps()).extracting(s -> s.timeout().orElse(null)).containsExactly(Duration.ofSeconds(30), null);
    FailurePolicy.Compensate undo = (FailurePolicy.Compensate) copy.steps().get(0).failurePolicy();
    assertThat(undo.command().id()).isEqualTo("undo-pump-7");
    assertThat(undo.timeout()).contains(Duration.ofSeconds(5));
    assertThat(copy.steps().get(1).failurePolicy()).isSameAs(FailurePolicy.skip());
    assertThat(copy.steps().get(1).withCommand(cmd("b"))).isEqualTo(plan.steps().get(1));
  }
}
