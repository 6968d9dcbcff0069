package io.github.iothubcommands.device.internal;

import io.github.iothubcommands.device.CommandReply;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The runs of recent commands by key, bounded by count and by age (from first arrival, on the injected
 * clock). A run still in progress is never evicted: the dispatcher's bound on pending handlers, at most the
 * window's size, bounds those.
 */
public final class DedupeWindow {
  private final int maxEntries;
  private final Duration maxAge;
  private final InstantSource clock;
  private final LinkedHashMap<CommandKey, Run> runs = new LinkedHashMap<>();

  public DedupeWindow(int maxEntries, Duration maxAge, InstantSource clock) {
    this.maxEntries = maxEntries;
    this.maxAge = maxAge;
    this.clock = clock;
  }

  /** One handler run: when its command first arrived, and its reply once known. */
  public static final class Run {
    final Instant firstSeen;
    final CompletableFuture<CommandReply> reply = new CompletableFuture<>();

    Run(Instant firstSeen) {
      this.firstSeen = firstSeen;
    }
  }

  /**
   * The run remembered for {@code key} ({@code duplicate} true), or else the one {@code starter} makes,
   * remembered; {@code starter} answers null when no run may start (then nothing is remembered).
   */
  public synchronized Lookup lookup(CommandKey key, Supplier<@Nullable Run> starter) {
    Instant now = clock.instant();
    evictExpired(now);
    Run known = runs.get(key);
    if (known != null) {
      return new Lookup(known, true);
    }
    Run started = starter.get();
    if (started != null) {
      runs.put(key, started);
      evictOverflow();
    }
    return new Lookup(started, false);
  }

  /** Makes a run that first arrived now. */
  public Run newRun() {
    return new Run(clock.instant());
  }

  /** Forgets {@code key} if it still maps to {@code run}, so that the command runs again when it comes again. */
  public synchronized void forget(CommandKey key, Run run) {
    runs.remove(key, run);
  }

  /** The number of remembered runs. */
  public synchronized int size() {
    return runs.size();
  }

  private void evictExpired(Instant now) {
    Instant oldestKept = now.minus(maxAge);
    for (Iterator<Run> it = runs.values().iterator(); it.hasNext(); ) {
      Run r = it.next();
      if (!r.firstSeen.isBefore(oldestKept)) {
        return; // insertion order is arrival order: the rest are younger
      }
      if (r.reply.isDone()) {
        it.remove();
      }
    }
  }

  private void evictOverflow() {
    for (Iterator<Map.Entry<CommandKey, Run>> it = runs.entrySet().iterator();
        it.hasNext() && runs.size() > maxEntries; ) {
      if (it.next().getValue().reply.isDone()) {
        it.remove();
      }
    }
  }

  /**
   * What {@link #lookup} found.
   *
   * @param run the run, or null if none was remembered and none could start
   * @param duplicate whether the run was already remembered
   */
  public record Lookup(@Nullable Run run, boolean duplicate) {}
}
