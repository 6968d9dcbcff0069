package io.github.iothubcommands.azure.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/** Moves a future's completion off the thread that completed it (the SDK's reactor) onto one we own. */
public final class Handoff {
  private Handoff() {}

  /**
   * Returns a future that completes like {@code source}, on {@code executor}. Once the executor is shut down
   * (the transport closing), completions run inline instead, so none is lost.
   */
  public static <T> CompletableFuture<T> completeOn(Executor executor, CompletableFuture<T> source) {
    CompletableFuture<T> result = new CompletableFuture<>();
    source.whenComplete((value, error) -> {
      Runnable complete = () -> {
        if (error != null) {
          result.completeExceptionally(error);
        } else {
          result.complete(value);
        }
      };
      try {
        executor.execute(complete);
      } catch (RejectedExecutionException e) {
        complete.run();
      }
    });
    return result;
  }
}
