package io.github.iothubcommands.engine;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The faults armed on the engine ({@link HubEngine#faults()}): a snapshot.
 *
 * @param throttleNext per operation, how many of its next calls will be refused with 429 (absent: none)
 * @param throttleUntil per operation, until when (engine time) its calls are refused with 429 (absent: not)
 * @param feedbackToDrop how many of the next feedback records will be dropped
 */
public record HubFaults(Map<HubOperation, Integer> throttleNext, Map<HubOperation, Instant> throttleUntil,
    int feedbackToDrop) {

  /** Copies the maps. */
  public HubFaults {
    throttleNext = Map.copyOf(throttleNext);
    throttleUntil = Map.copyOf(throttleUntil);
  }

  /**
   * Returns until when an operation is throttled.
   *
   * @param operation the operation
   * @return the instant, or empty if it is not throttled for a duration
   */
  public Optional<Instant> throttledUntil(HubOperation operation) {
    return Optional.ofNullable(throttleUntil.get(operation));
  }

  /** @return {@code true} if no fault is armed */
  public boolean isEmpty() {
    return throttleNext.isEmpty() && throttleUntil.isEmpty() && feedbackToDrop == 0;
  }
}
