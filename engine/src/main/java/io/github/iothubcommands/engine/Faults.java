package io.github.iothubcommands.engine;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * Injected faults: throttle the next calls of an operation, or all of them for a while; drop the next
 * feedback records. Guarded by the engine lock. {@link #armed} is {@code false} while none is set, so the
 * hot paths pay one field read when no test uses faults.
 */
final class Faults {
  boolean armed;
  private final Map<HubOperation, Integer> throttleNext = new EnumMap<>(HubOperation.class);
  private final Map<HubOperation, Instant> throttleUntil = new EnumMap<>(HubOperation.class);
  private int feedbackToDrop;

  /** Lock held. */
  void throttleNext(HubOperation op, int count) {
    if (count == 0) {
      throttleNext.remove(op);
    } else {
      throttleNext.put(op, count);
    }
    rearm();
  }

  /** Lock held. */
  void throttleUntil(HubOperation op, Instant until) {
    throttleUntil.put(op, until);
    rearm();
  }

  /** Lock held. */
  void dropFeedback(int count) {
    feedbackToDrop = count;
    rearm();
  }

  /** Lock held. */
  void clear() {
    throttleNext.clear();
    throttleUntil.clear();
    feedbackToDrop = 0;
    armed = false;
  }

  /** Lock held, {@link #armed}. Whether this call of {@code op} is to be refused; counts it down if so. */
  boolean takeThrottle(HubOperation op, Instant now) {
    Instant until = throttleUntil.get(op);
    if (until != null) {
      if (now.isBefore(until)) {
        return true;
      }
      throttleUntil.remove(op);
    }
    Integer left = throttleNext.get(op);
    boolean refuse = left != null;
    if (refuse) {
      throttleNext(op, left - 1);
    } else {
      rearm();
    }
    return refuse;
  }

  /** Lock held, {@link #armed}. Whether this feedback record is to be dropped; counts it down if so. */
  boolean takeFeedbackDrop() {
    if (feedbackToDrop == 0) {
      return false;
    }
    feedbackToDrop--;
    rearm();
    return true;
  }

  /** Lock held. The armed faults, with those whose time passed left out. */
  HubFaults snapshot(Instant now) {
    throttleUntil.values().removeIf(until -> !now.isBefore(until));
    rearm();
    return new HubFaults(throttleNext, throttleUntil, feedbackToDrop);
  }

  private void rearm() {
    armed = !throttleNext.isEmpty() || !throttleUntil.isEmpty() || feedbackToDrop > 0;
  }
}
