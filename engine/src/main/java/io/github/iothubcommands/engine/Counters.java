package io.github.iothubcommands.engine;

import java.util.concurrent.atomic.AtomicLongArray;

/** The engine's counts of what it saw ({@link HubCounts}); thread-safe, lock-free. */
final class Counters {
  enum Count {
    C2D_ENQUEUED, C2D_DELIVERED, C2D_COMPLETED, C2D_REJECTED, C2D_ABANDONED, C2D_EXPIRED,
    C2D_DELIVERY_COUNT_EXCEEDED, C2D_PURGED, METHODS_INVOKED, METHODS_SUCCEEDED, METHODS_FAILED,
    METHODS_TIMED_OUT, THROTTLED, CONNECTIONS, FEEDBACK_DROPPED
  }

  private final AtomicLongArray counts = new AtomicLongArray(Count.values().length);

  void add(Count c) {
    counts.incrementAndGet(c.ordinal());
  }

  void add(Count c, long n) {
    counts.addAndGet(c.ordinal(), n);
  }

  private long get(Count c) {
    return counts.get(c.ordinal());
  }

  HubCounts snapshot() {
    return new HubCounts(get(Count.C2D_ENQUEUED), get(Count.C2D_DELIVERED), get(Count.C2D_COMPLETED),
        get(Count.C2D_REJECTED), get(Count.C2D_ABANDONED), get(Count.C2D_EXPIRED),
        get(Count.C2D_DELIVERY_COUNT_EXCEEDED), get(Count.C2D_PURGED), get(Count.METHODS_INVOKED),
        get(Count.METHODS_SUCCEEDED), get(Count.METHODS_FAILED), get(Count.METHODS_TIMED_OUT), get(Count.THROTTLED),
        get(Count.CONNECTIONS), get(Count.FEEDBACK_DROPPED));
  }
}
