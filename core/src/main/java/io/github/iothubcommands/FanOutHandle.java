package io.github.iothubcommands;

import java.util.concurrent.CompletableFuture;

/**
 * A fan-out in progress: its progress now, stop or cancel, and a future of the {@link FanOutSummary}.
 * Returned by {@link CommandClient#fanOut(FanOut)}; thread-safe.
 */
public interface FanOutHandle {

  /**
   * Returns the fan-out's progress now.
   *
   * @return a snapshot
   */
  FanOutProgress progress();

  /**
   * Stops taking devices from the source; devices in flight run to their result, and devices waiting to be
   * resent after a 429 are sent. The summary then ends {@link FanOutSummary.End#STOPPED}.
   *
   * @return {@code true} if this call stopped it, {@code false} if it had already ended, stopped or been
   *     cancelled
   */
  boolean stop();

  /**
   * Stops taking devices from the source and cancels what is in flight: each command in flight is {@linkplain
   * CommandHandle#cancel() cancelled} (a direct method already called may still run on the device, a message
   * the hub already queued may still be delivered), devices waiting to be resent after a 429 end cancelled.
   * A plan in flight is cancelled through the future {@link CommandClient#runAsync} returned: the plan
   * runner cancels its running command and sends nothing more, and the device's result is {@linkplain
   * FanOutResult#ofCancelledPlan cancelled}. The summary then ends {@link FanOutSummary.End#CANCELLED}.
   *
   * @return {@code true} if this call cancelled it, {@code false} if it had already ended or been cancelled
   */
  boolean cancel();

  /**
   * Returns a future of the summary, completed once every device started has its result. It never completes
   * exceptionally: a failing source of ids ends the fan-out {@link FanOutSummary.End#SOURCE_FAILED}. Each call
   * returns a new dependent future.
   *
   * @return a future of the summary
   */
  CompletableFuture<FanOutSummary> summary();
}
