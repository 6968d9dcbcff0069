package io.github.iothubcommands.azure.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with full jitter between an initial and a maximum delay. */
public record Backoff(Duration initial, Duration max) {

  /** The delay before reconnect attempt {@code attempt} (1 for the first retry): uniform in (0, min(max, initial·2^(n-1))]. */
  public Duration delay(int attempt) {
    long cap = max.toMillis();
    long base = initial.toMillis() << Math.min(30, Math.max(0, attempt - 1));
    long bound = Math.max(1, Math.min(cap, base < 0 ? cap : base));
    return Duration.ofMillis(1 + ThreadLocalRandom.current().nextLong(bound));
  }
}
