package io.github.iothubcommands.device;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import io.github.iothubcommands.WireName;
import io.github.iothubcommands.device.internal.DefaultCommandDispatcher;
import io.github.iothubcommands.device.internal.DispatcherSettings;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link CommandDispatcher}: handlers by command name, and the bounds on threads, pending work and
 * the dedupe window. Each setter checks its argument at once ({@link IllegalArgumentException} naming the
 * field, the rule and the value); conflicting settings fail at {@link #build()} ({@link
 * IllegalStateException} naming both).
 */
public final class CommandDispatcherBuilder {
  /** Threads of the dispatcher's own pool: 4. */
  public static final int DEFAULT_HANDLER_THREADS = 4;
  /** Most threads the dispatcher's own pool may have: 256. */
  public static final int MAX_HANDLER_THREADS = 256;
  /** Handlers started and not finished (queued or running) before commands are answered busy: 64. */
  public static final int DEFAULT_MAX_PENDING_HANDLERS = 64;
  /** How long the SDK's thread waits for a handler's reply: 60 s, the hub's lock on a C2D message. */
  public static final Duration DEFAULT_HANDLER_TIMEOUT = Duration.ofSeconds(60);
  /** Longest handler timeout: 1 h. */
  public static final Duration MAX_HANDLER_TIMEOUT = Duration.ofHours(1);
  /** Commands the dedupe window remembers: 1,000. */
  public static final int DEFAULT_DEDUPE_WINDOW_SIZE = 1_000;
  /** Largest dedupe window: 1,000,000 commands. */
  public static final int MAX_DEDUPE_WINDOW_SIZE = 1_000_000;
  /** How long the dedupe window remembers a command, from its first arrival: 1 h. */
  public static final Duration DEFAULT_DEDUPE_WINDOW_AGE = Duration.ofHours(1);
  /** Longest dedupe window age: 2 days, the longest a C2D message may live. */
  public static final Duration MAX_DEDUPE_WINDOW_AGE = Duration.ofDays(2);

  private final DeviceClient client;
  private final Map<WireName, CommandHandler> handlers = new LinkedHashMap<>();
  private final List<ConnectionListener> listeners = new ArrayList<>();
  private @Nullable CommandHandler onUnknown;
  private @Nullable Executor executor;
  private @Nullable Integer handlerThreads;
  private int maxPendingHandlers = DEFAULT_MAX_PENDING_HANDLERS;
  private Duration handlerTimeout = DEFAULT_HANDLER_TIMEOUT;
  private int dedupeWindowSize = DEFAULT_DEDUPE_WINDOW_SIZE;
  private Duration dedupeWindowAge = DEFAULT_DEDUPE_WINDOW_AGE;
  private InstantSource clock = InstantSource.system();

  CommandDispatcherBuilder(DeviceClient client) {
    this.client = notNull("client", client);
  }

  /**
   * Registers the handler for a command name, in the default component or, written {@code component*name},
   * in an IoT Plug and Play component.
   *
   * @param wireName {@code name} or {@code component*name}, by {@link WireName}'s rules
   * @param handler the handler
   * @return this builder
   * @throws IllegalArgumentException if the name breaks {@link WireName}'s rules, a handler is already
   *     registered for it, or {@code handler} is null
   */
  public CommandDispatcherBuilder handle(String wireName, CommandHandler handler) {
    return register(WireName.parse(wireName), handler);
  }

  /**
   * Registers the handler for a command of an IoT Plug and Play component.
   *
   * @param component the component (a DTDL name)
   * @param name the command name
   * @param handler the handler
   * @return this builder
   * @throws IllegalArgumentException if the component or name breaks {@link WireName}'s rules, a handler is
   *     already registered for them, or {@code handler} is null
   */
  public CommandDispatcherBuilder handle(String component, String name, CommandHandler handler) {
    return register(WireName.of(notNull("component", component), name), handler);
  }

  /**
   * Replaces the default answer to commands no handler is registered for ({@value
   * CommandReply#UNKNOWN_COMMAND} with {@code {"error":"unknown command","command":…}}, reject). It runs
   * like any handler. A C2D message without a valid {@value io.github.iothubcommands.Command#NAME_PROPERTY}
   * is not a command and always gets the default.
   *
   * @param handler the handler for unknown commands
   * @return this builder
   * @throws IllegalArgumentException if {@code handler} is null
   */
  public CommandDispatcherBuilder onUnknownCommand(CommandHandler handler) {
    this.onUnknown = notNull("handler", handler);
    return this;
  }

  /**
   * Adds a listener for the client's connection status changes; listeners are called in the order added.
   *
   * @param listener the listener
   * @return this builder
   * @throws IllegalArgumentException if {@code listener} is null
   */
  public CommandDispatcherBuilder onConnectionEvent(ConnectionListener listener) {
    listeners.add(notNull("listener", listener));
    return this;
  }

  /**
   * Runs handlers on this executor instead of the dispatcher's own pool. The dispatcher does not shut it
   * down. If it refuses a task ({@link java.util.concurrent.RejectedExecutionException}) the command is
   * answered busy. Conflicts with {@link #handlerThreads(int)}.
   *
   * @param executor the executor
   * @return this builder
   * @throws IllegalArgumentException if {@code executor} is null
   */
  public CommandDispatcherBuilder executor(Executor executor) {
    this.executor = notNull("executor", executor);
    return this;
  }

  /**
   * Sets the size of the dispatcher's own pool (daemon threads, stopped at {@link CommandDispatcher#close()});
   * default {@value #DEFAULT_HANDLER_THREADS}. Conflicts with {@link #executor(Executor)}.
   *
   * @param threads from 1 to {@value #MAX_HANDLER_THREADS}
   * @return this builder
   * @throws IllegalArgumentException if {@code threads} is outside 1 to {@value #MAX_HANDLER_THREADS}
   */
  public CommandDispatcherBuilder handlerThreads(int threads) {
    this.handlerThreads = between("handlerThreads", threads, 1, MAX_HANDLER_THREADS);
    return this;
  }

  /**
   * Sets how many handlers may be started and not finished — queued on the executor or running, including
   * those past their timeout — at once; default {@value #DEFAULT_MAX_PENDING_HANDLERS}. A command arriving
   * beyond it is answered at once: {@value CommandReply#BUSY} for a method, abandon for a C2D message (over
   * MQTT: completed, so that message is lost to the device; see {@link CommandDispatcher}). Must not exceed
   * the dedupe window's size.
   *
   * @param max from 1 to {@value #MAX_DEDUPE_WINDOW_SIZE}
   * @return this builder
   * @throws IllegalArgumentException if {@code max} is outside 1 to {@value #MAX_DEDUPE_WINDOW_SIZE}
   */
  public CommandDispatcherBuilder maxPendingHandlers(int max) {
    this.maxPendingHandlers = between("maxPendingHandlers", max, 1, MAX_DEDUPE_WINDOW_SIZE);
    return this;
  }

  /**
   * Sets how long the SDK's thread waits for a handler's reply; default 60 s. Past it the command is answered
   * {@value CommandReply#HANDLER_TIMED_OUT} / abandon while the handler goes on; its reply, once there,
   * answers any duplicate. A direct method's own response timeout (5–300 s, set by the caller) applies too:
   * a reply later than that reaches nobody.
   *
   * @param timeout more than 0 and at most 1 h
   * @return this builder
   * @throws IllegalArgumentException if {@code timeout} is null, not positive, or over 1 h
   */
  public CommandDispatcherBuilder handlerTimeout(Duration timeout) {
    this.handlerTimeout = positiveAtMost("handlerTimeout", timeout, MAX_HANDLER_TIMEOUT);
    return this;
  }

  /**
   * Sets how many commands the dedupe window remembers (the oldest finished ones leave first); default
   * {@value #DEFAULT_DEDUPE_WINDOW_SIZE}.
   *
   * @param size from 1 to {@value #MAX_DEDUPE_WINDOW_SIZE}
   * @return this builder
   * @throws IllegalArgumentException if {@code size} is outside 1 to {@value #MAX_DEDUPE_WINDOW_SIZE}
   */
  public CommandDispatcherBuilder dedupeWindowSize(int size) {
    this.dedupeWindowSize = between("dedupeWindowSize", size, 1, MAX_DEDUPE_WINDOW_SIZE);
    return this;
  }

  /**
   * Sets how long the dedupe window remembers a finished command, from its first arrival, on the {@linkplain
   * #clock(InstantSource) clock}; default 1 h.
   *
   * @param age more than 0 and at most 2 days
   * @return this builder
   * @throws IllegalArgumentException if {@code age} is null, not positive, or over 2 days
   */
  public CommandDispatcherBuilder dedupeWindowAge(Duration age) {
    this.dedupeWindowAge = positiveAtMost("dedupeWindowAge", age, MAX_DEDUPE_WINDOW_AGE);
    return this;
  }

  /**
   * Sets the clock of the dedupe window's age and of connection events; default {@link
   * InstantSource#system()}. Tests pass a clock they move.
   *
   * @param clock the clock
   * @return this builder
   * @throws IllegalArgumentException if {@code clock} is null
   */
  public CommandDispatcherBuilder clock(InstantSource clock) {
    this.clock = notNull("clock", clock);
    return this;
  }

  /**
   * Builds the dispatcher; nothing starts until {@link CommandDispatcher#start()}.
   *
   * @return the dispatcher
   * @throws IllegalStateException if both {@code executor} and {@code handlerThreads} are set, or {@code
   *     maxPendingHandlers} exceeds {@code dedupeWindowSize}
   */
  public CommandDispatcher build() {
    if (executor != null && handlerThreads != null) {
      throw new IllegalStateException("executor and handlerThreads are both set: handlerThreads sizes the "
          + "dispatcher's own pool, which a supplied executor replaces; set one of them");
    }
    if (maxPendingHandlers > dedupeWindowSize) {
      throw new IllegalStateException("maxPendingHandlers (" + maxPendingHandlers + ") must not exceed "
          + "dedupeWindowSize (" + dedupeWindowSize + "): every pending handler holds a place in the window");
    }
    return new DefaultCommandDispatcher(client, new DispatcherSettings(handlers, onUnknown, listeners, executor,
        handlerThreads == null ? DEFAULT_HANDLER_THREADS : handlerThreads, maxPendingHandlers, handlerTimeout,
        dedupeWindowSize, dedupeWindowAge, clock));
  }

  private CommandDispatcherBuilder register(WireName name, CommandHandler handler) {
    notNull("handler", handler);
    if (handlers.containsKey(name)) {
      throw new IllegalArgumentException("handler for '" + name + "' must be registered once, but was already");
    }
    handlers.put(name, handler);
    return this;
  }

  private static <T> T notNull(String field, @Nullable T value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " must not be null");
    }
    return value;
  }

  private static int between(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(field + " must be between " + min + " and " + max + ", but was " + value);
    }
    return value;
  }

  private static Duration positiveAtMost(String field, @Nullable Duration value, Duration max) {
    Duration v = notNull(field, value);
    if (v.isNegative() || v.isZero() || v.compareTo(max) > 0) {
      throw new IllegalArgumentException(field + " must be more than 0 and at most " + max.toSeconds() + " s, but was "
          + v.toMillis() + " ms");
    }
    return v;
  }
}
