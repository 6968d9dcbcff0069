package io.github.iothubcommands.internal;

import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.HubError;
import io.github.iothubcommands.HubException;
import io.github.iothubcommands.spi.HubTransport;
import io.github.iothubcommands.spi.TimeSource;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * What every delivery shares: the transport, time, the tracker, the random source of retry jitter, and one
 * way of turning what a transport did (a value, a failure, a throw, a {@code null}) into an outcome.
 */
final class Attempts {
  final HubTransport transport;
  final TimeSource time;
  final CommandTracker tracker;
  final Duration feedbackWindow;
  private final @Nullable RandomGenerator random;

  /**
   * @param random the user's jitter source, or {@code null} for {@link ThreadLocalRandom}, drawn on the calling
   *     thread with no lock (a captured {@code ThreadLocalRandom.current()} shared by threads that never called
   *     {@code current()} themselves would give them all the same sequence, so every device would back off alike)
   */
  Attempts(HubTransport transport, TimeSource time, CommandTracker tracker, Duration feedbackWindow,
      @Nullable RandomGenerator random) {
    this.transport = transport;
    this.time = time;
    this.tracker = tracker;
    this.feedbackWindow = feedbackWindow;
    this.random = random;
  }

  /** A number in [0, 1) for retry jitter; calls to a user's generator are serialized, so a seeded one replays. */
  double nextRandom() {
    RandomGenerator r = random;
    if (r == null) {
      return ThreadLocalRandom.current().nextDouble();
    }
    synchronized (r) {
      return r.nextDouble();
    }
  }

  /** Calls the transport; a throw or a {@code null} future (transport bugs) becomes a failed future. */
  <T> CompletableFuture<T> call(String operation, Supplier<CompletableFuture<T>> call) {
    try {
      CompletableFuture<T> future = call.get();
      if (future == null) {
        return CompletableFuture.failedFuture(new IllegalStateException(
            "transport " + transport.getClass().getName() + " returned null from " + operation));
      }
      return future;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  CommandOutcome.Builder outcome(TrackedCommand t, CommandStatus status, String detail) {
    return t.outcomeBuilder(status, detail, time.now());
  }

  /**
   * Runs {@code delivery}'s attempt and returns its outcome; a throw, a failed future or a {@code null}
   * outcome (bugs below) becomes a {@code FAILED} outcome, so the future always completes normally.
   */
  CompletableFuture<CommandOutcome> run(Delivery delivery, TrackedCommand t) {
    return start(delivery, t).handle((outcome, error) -> orFailure(t, outcome, error));
  }

  /** Starts {@code delivery}'s attempt; a throw becomes a failed future. */
  CompletableFuture<CommandOutcome> start(Delivery delivery, TrackedCommand t) {
    try {
      return delivery.attempt(t);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The outcome an attempt completed with, or a {@code FAILED} one for its failure or {@code null}. */
  CommandOutcome orFailure(TrackedCommand t, @Nullable CommandOutcome outcome, @Nullable Throwable error) {
    return outcome != null ? outcome : failure(t,
        error != null ? error : new IllegalStateException("delivery completed without an outcome"));
  }

  /** The outcome of a request the hub refused or failed, or that never reached it: {@code FAILED}. */
  CommandOutcome failure(TrackedCommand t, Throwable error) {
    return failure(t, error, false);
  }

  /**
   * The outcome of a direct method call the hub refused or failed: {@code DEVICE_OFFLINE} for 404103,
   * {@code TIMED_OUT} for 504101 (statuses only a method can have), else {@code FAILED}.
   */
  CommandOutcome methodFailure(TrackedCommand t, Throwable error) {
    return failure(t, error, true);
  }

  private CommandOutcome failure(TrackedCommand t, Throwable error, boolean method) {
    Throwable cause = unwrap(error);
    HubError hubError = cause instanceof HubException he ? he.error() : HubError.UNKNOWN;
    CommandStatus status = method ? statusOf(hubError) : CommandStatus.FAILED;
    return outcome(t, status, String.valueOf(cause.getMessage())).hubError(hubError).build();
  }

  static CommandStatus statusOf(HubError error) {
    return switch (error) {
      case DEVICE_NOT_ONLINE -> CommandStatus.DEVICE_OFFLINE;
      case GATEWAY_TIMEOUT -> CommandStatus.TIMED_OUT;
      default -> CommandStatus.FAILED;
    };
  }

  static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }
}
