package io.github.iothubcommands.device.internal;

import io.github.iothubcommands.WireName;
import io.github.iothubcommands.device.CommandHandler;
import io.github.iothubcommands.device.ConnectionListener;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/** What the builder checked, handed to the implementation. */
public record DispatcherSettings(
    Map<WireName, CommandHandler> handlers,
    @Nullable CommandHandler onUnknown,
    List<ConnectionListener> listeners,
    @Nullable Executor executor,
    int handlerThreads,
    int maxPendingHandlers,
    Duration handlerTimeout,
    int dedupeWindowSize,
    Duration dedupeWindowAge,
    InstantSource clock) {

  /** Copies the collections. */
  public DispatcherSettings {
    handlers = Map.copyOf(handlers);
    listeners = List.copyOf(listeners);
  }

  /** The dispatch logic these settings describe, on {@code executor}. */
  public Dispatch dispatch(Executor executor) {
    return new Dispatch(handlers, onUnknown, executor, maxPendingHandlers, handlerTimeout,
        new DedupeWindow(dedupeWindowSize, dedupeWindowAge, clock));
  }
}
