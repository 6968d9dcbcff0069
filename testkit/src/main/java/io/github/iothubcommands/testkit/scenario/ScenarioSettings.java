package io.github.iothubcommands.testkit.scenario;

import io.github.iothubcommands.engine.HubLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * How big a random scenario is and which limits the hub runs it with.
 *
 * @param devices how many devices (at least 1)
 * @param steps how many steps (at least 1)
 * @param maxTimeToLive the longest time-to-live a generated message gets
 * @param limits the hub's limits; a small queue depth makes refusals likely
 */
public record ScenarioSettings(int devices, int steps, Duration maxTimeToLive, HubLimits limits) {

  /** Three devices, 60 steps, time-to-live up to 10 minutes, queue depth 8, otherwise IoT Hub's limits. */
  public static final ScenarioSettings DEFAULTS =
      new ScenarioSettings(3, 60, Duration.ofMinutes(10), HubLimits.custom().queueDepth(8).build());

  /** Checks the ranges. */
  public ScenarioSettings {
    if (devices < 1 || steps < 1) {
      throw new IllegalArgumentException("devices and steps must be at least 1, but were " + devices + " and " + steps);
    }
    Objects.requireNonNull(limits, "limits");
    if (maxTimeToLive.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("maxTimeToLive must be at least 1 s, but was " + maxTimeToLive);
    }
  }

  /**
   * Returns {@link #DEFAULTS}.
   *
   * @return the default settings
   */
  public static ScenarioSettings ofDefaults() {
    return DEFAULTS;
  }
}
