package io.github.iothubcommands.internal;

import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.SequencePlan;
import io.github.iothubcommands.SequenceResult;
import io.github.iothubcommands.SequenceResult.StepResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Runs one plan: each step after the previous one's successful terminal outcome; stops at the first failure. */
final class SequenceRun {
  private final SequencePlan plan;
  private final List<Delivery> deliveries;
  private final DefaultCommandClient client;
  private final List<CommandOutcome> outcomes = new ArrayList<>();
  private final CompletableFuture<SequenceResult> result = new CompletableFuture<>();

  SequenceRun(SequencePlan plan, List<Delivery> deliveries, DefaultCommandClient client) {
    this.plan = plan;
    this.deliveries = deliveries;
    this.client = client;
  }

  CompletableFuture<SequenceResult> start() {
    runStep(0);
    return result;
  }

  private void runStep(int index) {
    SequencePlan.Step step = plan.steps().get(index);
    CompletableFuture<CommandOutcome> outcome;
    try {
      outcome = client.submit(plan.deviceId(), step.command(), step.strategy(), deliveries.get(index))
          .outcomeFuture();
    } catch (RuntimeException e) { // e.g. the id is in flight elsewhere, or the client closed: the step fails
      outcome = CompletableFuture.completedFuture(CommandOutcome.builder().commandId(step.command().id())
          .deviceId(plan.deviceId()).status(CommandStatus.FAILED)
          .detail("step " + index + " could not be sent: " + e.getMessage()).completedAt(client.now()).build());
    }
    outcome.thenAccept(o -> onStepDone(index, o));
  }

  private void onStepDone(int index, CommandOutcome outcome) {
    synchronized (outcomes) {
      outcomes.add(outcome);
    }
    if (outcome.isSuccess() && index + 1 < plan.steps().size()) {
      runStep(index + 1);
      return;
    }
    List<StepResult> steps = new ArrayList<>();
    for (int i = 0; i < plan.steps().size(); i++) {
      steps.add(i < outcomes.size() ? StepResult.ran(i, plan.steps().get(i), outcomes.get(i))
          : StepResult.notRun(i, plan.steps().get(i)));
    }
    result.complete(SequenceResult.of(plan.deviceId(), steps));
  }
}
