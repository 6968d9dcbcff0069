package io.github.iothubcommands.internal;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandEvent;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.RetryPolicy;
import io.github.iothubcommands.spi.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Several attempts of one delivery for one tracked command, as its {@link RetryPolicy} decides: after a
 * failed attempt, a {@code RETRY_SCHEDULED} event and one timer on the time source; none otherwise. A command
 * that completes meanwhile (cancelled, client closed) cancels the timer, so no attempt follows.
 */
final class RetryingDelivery implements Delivery {
  private final Delivery inner;
  private final RetryPolicy policy;
  private final Attempts a;

  RetryingDelivery(Delivery inner, RetryPolicy policy, Attempts attempts) {
    this.inner = inner;
    this.policy = policy;
    this.a = attempts;
  }

  /** {@code inner} itself when the policy never retries, so the default path costs nothing. */
  static Delivery of(Delivery inner, RetryPolicy policy, Attempts attempts) {
    return policy.retries() ? new RetryingDelivery(inner, policy, attempts) : inner;
  }

  @Override
  public void check(Command command) {
    inner.check(command);
  }

  @Override
  public CompletableFuture<CommandOutcome> attempt(TrackedCommand command) {
    Run run = new Run(command, a.time.now());
    run.next();
    return run.result;
  }

  /** The attempts of one command. */
  private final class Run {
    final TrackedCommand t;
    final Instant start;
    final CompletableFuture<CommandOutcome> result = new CompletableFuture<>();
    int made;

    Run(TrackedCommand t, Instant start) {
      this.t = t;
      this.start = start;
    }

    void next() {
      if (t.isDone()) { // completed while the retry was due: its outcome stands, this one is never reported
        result.complete(a.outcome(t, CommandStatus.FAILED, "ended before attempt " + (made + 1)).build());
        return;
      }
      made++;
      a.run(inner, t).thenAccept(this::ended);
    }

    void ended(CommandOutcome outcome) {
      if (outcome.isSuccess() || t.isDone() || made >= policy.maxAttempts() || !RetryPolicy.isRetryable(outcome)) {
        result.complete(outcome);
        return;
      }
      Instant now = a.time.now();
      Optional<Duration> delay = policy.nextDelay(made, outcome, Duration.between(start, now), a.nextRandom());
      if (delay.isEmpty()) { // the deadline
        result.complete(outcome);
        return;
      }
      t.announce(CommandEvent.Kind.RETRY_SCHEDULED, now, outcome, delay.get());
      TimeSource.Cancellable timer = a.time.schedule(delay.get(), () -> {
        t.retryStarted();
        next();
      });
      t.setRetryTimer(timer);
    }
  }
}
