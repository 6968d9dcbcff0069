package io.github.iothubcommands.engine;

import io.github.iothubcommands.HubError;
import io.github.iothubcommands.HubException;
import io.github.iothubcommands.spi.TimeSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every collaborator of {@link HubEngine} shares: the one lock that guards all engine state, the
 * limits, the time source, the observers and the id counter.
 *
 * <p>The discipline: state changes only under {@link #lock}; anything that calls out (device endpoints,
 * futures, feedback receivers, observers) is added to a list while the lock is held and run by {@link
 * #run(List)} after it is released, so callbacks may call back into the engine.
 */
final class EngineState {
  private static final Logger LOG = LoggerFactory.getLogger(HubEngine.class);

  final Object lock = new Object();
  final HubLimits limits;
  final TimeSource time;
  final List<HubObserver> observers = new CopyOnWriteArrayList<>();
  /** Guarded by {@link #lock}. */
  final Faults faults = new Faults();
  final Counters counters = new Counters();
  private long counter;
  private boolean closed;

  EngineState(HubLimits limits, TimeSource time) {
    this.limits = limits;
    this.time = time;
  }

  /** Lock held. A number never handed out before (generation ids, lock tokens, request ids). */
  long nextId() {
    return ++counter;
  }

  /** Lock held. */
  boolean isClosed() {
    return closed;
  }

  /** Lock held. */
  void markClosed() {
    closed = true;
  }

  /** Lock held. */
  void checkOpen() {
    if (closed) {
      throw closedException();
    }
  }

  static HubException closedException() {
    return HubException.of(HubError.SERVER_ERROR, "hub engine is closed");
  }

  /** Lock not held: runs the collected callbacks in order; one that throws does not stop the others. */
  static void run(List<Runnable> actions) {
    for (Runnable r : actions) {
      try {
        r.run();
      } catch (RuntimeException | LinkageError | AssertionError e) { // the rest still runs: no batch lost
        LOG.warn("Hub callback failed", e);
      }
    }
  }
}
