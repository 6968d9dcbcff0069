package io.github.iothubcommands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import io.github.iothubcommands.SequenceResult.Execution;
import io.github.iothubcommands.SequenceResult.Status;
import io.github.iothubcommands.SequenceResult.StepResult;
import io.github.iothubcommands.SequenceResult.StepStatus;
import io.github.iothubcommands.testkit.FakeHub;
import io.github.iothubcommands.testkit.MethodReply;
import io.github.iothubcommands.testkit.SimulatedDevice;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random plans (outcomes, delays, hangs, policies, compensations that fail, a plan timeout or none) run on
 * the fake hub in virtual time and are compared with a small reference model of the documented rules: what
 * the device sees and in which order, every step's and compensation's status and timing, the plan's status
 * and end. QuickTheories drives the seeds; the run count comes from {@code QT_EXAMPLES} (1,000 in the build).
 */
@Timeout(120)
class SequencePlanPropertyTest {
  private static final int EXAMPLES = Integer.getInteger("QT_EXAMPLES", 1000);
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);
  private static final DirectMethod METHOD = DeliveryStrategy.directMethod(); // response timeout 30 s > 10 s

  /** A step (or compensation): fails or not, after whole seconds, or hangs until its timeout. */
  record Behaviour(boolean ok, int delaySeconds, boolean stall) {
    MethodReply reply() {
      return stall ? MethodReply.stall()
          : MethodReply.respond(ok ? 200 : 500, "{}").after(Duration.ofSeconds(delaySeconds));
    }
  }

  record StepSpec(Behaviour behaviour, FailurePolicy.Kind policy, Behaviour compensation) {}

  record Spec(List<StepSpec> steps, Duration planTimeout) {
    static Spec random(long seed) {
      SplittableRandom random = new SplittableRandom(seed);
      int n = 1 + random.nextInt(6);
      List<StepSpec> steps = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Behaviour b = new Behaviour(random.nextInt(3) > 0, random.nextInt(6), random.nextInt(8) == 0);
        FailurePolicy.Kind policy = FailurePolicy.Kind.values()[random.nextInt(3)];
        steps.add(new StepSpec(b, policy, new Behaviour(random.nextInt(4) > 0, random.nextInt(4), false)));
      }
      // a plan timeout half a second off every whole-second event, so no two timers tie (not shorter than the
      // step timeout: that is refused at build), often none at all
      Duration planTimeout = random.nextBoolean() ? null : Duration.ofMillis(10_500 + 1000L * random.nextInt(40));
      return new Spec(steps, planTimeout);
    }
  }

  /** What the documented rules predict for a spec, with times in milliseconds from the plan's start. */
  static final class Expected {
    final List<String> seen = new ArrayList<>();
    final List<StepStatus> steps = new ArrayList<>();
    final List<long[]> stepTimes = new ArrayList<>();
    final List<StepStatus> compensations = new ArrayList<>();
    final List<Boolean> timedOut = new ArrayList<>();
    Status status = Status.SUCCEEDED;
    long end;

    Expected(Spec spec) {
      int n = spec.steps().size();
      for (int i = 0; i < n; i++) {
        steps.add(StepStatus.NOT_RUN);
        stepTimes.add(null);
        compensations.add(null);
        timedOut.add(false);
      }
      long limit = spec.planTimeout() == null ? Long.MAX_VALUE : spec.planTimeout().toMillis();
      long t = 0;
      for (int i = 0; i < n; i++) {
        StepSpec s = spec.steps().get(i);
        seen.add("s" + i);
        long done = t + (s.behaviour().stall() ? STEP_TIMEOUT.toMillis() : s.behaviour().delaySeconds() * 1000L);
        timedOut.set(i, s.behaviour().stall());
        if (done > limit) {
          steps.set(i, StepStatus.FAILED);
          timedOut.set(i, true);
          stepTimes.set(i, new long[] {t, limit});
          status = Status.TIMED_OUT;
          end = limit;
          return;
        }
        stepTimes.set(i, new long[] {t, done});
        t = done;
        if (s.behaviour().ok() && !s.behaviour().stall()) {
          steps.set(i, StepStatus.SUCCEEDED);
          continue;
        }
        switch (s.policy()) {
          case STOP -> {
            steps.set(i, StepStatus.FAILED);
            status = Status.FAILED;
            end = t;
            return;
          }
          case SKIP -> steps.set(i, StepStatus.SKIPPED);
          case COMPENSATE -> {
            steps.set(i, StepStatus.FAILED);
            compensate(spec, i, t, limit);
            return;
          }
          default -> throw new AssertionError(s.policy());
        }
      }
      end = t;
    }

    private void compensate(Spec spec, int failed, long start, long limit) {
      List<Integer> queue = new ArrayList<>(List.of(failed));
      for (int k = failed - 1; k >= 0; k--) {
        if (steps.get(k) == StepStatus.SUCCEEDED && spec.steps().get(k).policy() == FailurePolicy.Kind.COMPENSATE) {
          queue.add(k);
        }
      }
      queue.forEach(k -> compensations.set(k, StepStatus.NOT_RUN));
      long t = start;
      status = Status.COMPENSATED;
      for (int k : queue) {
        Behaviour c = spec.steps().get(k).compensation();
        seen.add("u" + k);
        long done = t + c.delaySeconds() * 1000L;
        if (done > limit) {
          compensations.set(k, StepStatus.FAILED);
          status = Status.TIMED_OUT;
          end = limit;
          return;
        }
        t = done;
        compensations.set(k, c.ok() ? StepStatus.SUCCEEDED : StepStatus.FAILED);
        if (!c.ok()) {
          status = Status.COMPENSATION_FAILED;
          break;
        }
      }
      end = t;
    }
  }

  @Test
  void randomPlansEndAsTheRulesSay() {
    qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(SequencePlanPropertyTest::check);
  }

  private static void check(long seed) {
    Spec spec = Spec.random(seed);
    Expected expected = new Expected(spec);
    List<String> seen = new CopyOnWriteArrayList<>();
    try (FakeHub hub = FakeHub.create();
        CommandClient client = CommandClient.builder().transport(hub.transport()).build()) {
      SimulatedDevice device = hub.device("d1");
      SequencePlan.FirstStep first = SequencePlan.forDevice("d1");
      if (spec.planTimeout() != null) {
        first.planTimeout(spec.planTimeout());
      }
      SequencePlan.Steps steps = null;
      for (int i = 0; i < spec.steps().size(); i++) {
        StepSpec s = spec.steps().get(i);
        script(device, "s" + i, s.behaviour(), seen);
        script(device, "u" + i, s.compensation(), seen);
        Command command = Command.named("s" + i).id("s" + i).build();
        steps = steps == null ? first.then(command, METHOD) : steps.then(command, METHOD);
        steps.timeout(STEP_TIMEOUT).onFailure(switch (s.policy()) {
          case STOP -> FailurePolicy.stop();
          case SKIP -> FailurePolicy.skip();
          case COMPENSATE -> FailurePolicy.compensate(Command.named("u" + i).id("u" + i).build(), METHOD);
        });
      }
      device.connect();
      Instant start = hub.now();
      CompletableFuture<SequenceResult> run = client.runAsync(steps.build());
      hub.advance(Duration.ofMinutes(10));
      SequenceResult r = run.join();

      String why = "seed " + seed + ", " + spec + " -> " + r;
      assertThat(seen).as(why).isEqualTo(expected.seen);
      assertThat(r.status()).as(why).isEqualTo(expected.status);
      assertThat(Duration.between(start, r.finishedAt()).toMillis()).as(why).isEqualTo(expected.end);
      assertThat(r.steps()).extracting(StepResult::status).as(why).isEqualTo(expected.steps);
      for (int i = 0; i < spec.steps().size(); i++) {
        StepResult step = r.steps().get(i);
        long[] times = expected.stepTimes.get(i);
        assertThat(offsets(start, step)).as(why + " step " + i).isEqualTo(times);
        assertThat(step.compensation().map(Execution::status).orElse(null)).as(why + " compensation " + i)
            .isEqualTo(expected.compensations.get(i));
        assertThat(step.timedOut()).as(why + " step " + i + " timed out").isEqualTo(expected.timedOut.get(i));
      }
    }
  }

  private static long @org.jspecify.annotations.Nullable [] offsets(Instant start, Execution e) {
    if (!e.wasRun()) {
      return null;
    }
    return new long[] {Duration.between(start, e.startedAt().orElseThrow()).toMillis(),
        Duration.between(start, e.finishedAt().orElseThrow()).toMillis()};
  }

  private static void script(SimulatedDevice device, String name, Behaviour b, List<String> seen) {
    MethodReply reply = b.reply();
    device.onMethod(name, request -> {
      seen.add(request.methodName());
      return reply;
    });
  }
}
