package io.github.iothubcommands.device.internal;

import io.github.iothubcommands.WireName;
import io.github.iothubcommands.device.CommandHandler;
import io.github.iothubcommands.device.CommandReply;
import io.github.iothubcommands.device.CommandReply.Disposition;
import io.github.iothubcommands.device.IncomingCommand;
import io.github.iothubcommands.device.internal.DedupeWindow.Lookup;
import io.github.iothubcommands.device.internal.DedupeWindow.Run;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The dispatcher's logic, free of the SDK: find the handler, run it once per command key on the executor
 * within the bound on pending handlers, wait for its reply at most the handler timeout, and hand the first
 * run's reply to every duplicate. Called on the SDK's thread, which it blocks only while waiting.
 */
public final class Dispatch {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatch.class);

  private final Map<WireName, CommandHandler> handlers;
  private final @Nullable CommandHandler onUnknown;
  private final Executor executor;
  private final int maxPendingHandlers;
  private final Semaphore pending;
  private final Duration handlerTimeout;
  private final DedupeWindow window;
  private volatile boolean closed;

  public Dispatch(Map<WireName, CommandHandler> handlers, @Nullable CommandHandler onUnknown, Executor executor,
      int maxPendingHandlers, Duration handlerTimeout, DedupeWindow window) {
    this.handlers = Map.copyOf(handlers);
    this.onUnknown = onUnknown;
    this.executor = executor;
    this.maxPendingHandlers = maxPendingHandlers;
    this.pending = new Semaphore(maxPendingHandlers);
    this.handlerTimeout = handlerTimeout;
    this.window = window;
  }

  /** Runs the command (or finds its earlier run) and answers its reply. Never throws. */
  public CommandReply dispatch(IncomingCommand command, CommandKey key) {
    if (closed) {
      return Replies.closed();
    }
    CommandHandler handler = handlers.get(command.wireName());
    if (handler == null) {
      handler = onUnknown != null ? onUnknown : c -> Replies.unknownCommand(c.wireName());
    }
    Lookup found = key.dedupes()
        ? window.lookup(key, this::admit)
        : new Lookup(admit(), false);
    Run run = found.run();
    if (run == null) {
      LOG.warn("dispatcher busy: {} pending handlers; answering {} {} busy", pendingHandlers(),
          command.wireName(), command.commandId());
      return Replies.busy();
    }
    if (found.duplicate()) {
      LOG.info("command {} {} already run or running: answering the first run's reply", command.wireName(),
          command.commandId());
    } else {
      start(run, handler, command, key);
    }
    return await(run, command);
  }

  /** Handlers started and not finished (queued or running, including those past their timeout). */
  public int pendingHandlers() {
    return maxPendingHandlers - pending.availablePermits();
  }

  /** Commands from now on are answered {@link Replies#closed()}; running handlers finish. */
  public void close() {
    closed = true;
  }

  private @Nullable Run admit() {
    return pending.tryAcquire() ? window.newRun() : null;
  }

  private void start(Run run, CommandHandler handler, IncomingCommand command, CommandKey key) {
    try {
      executor.execute(() -> run(run, handler, command, key));
    } catch (RejectedExecutionException e) {
      LOG.warn("executor refused the handler of {} {}: answering busy", command.wireName(), command.commandId());
      finish(run, key, Replies.busy());
    }
  }

  private void run(Run run, CommandHandler handler, IncomingCommand command, CommandKey key) {
    CommandReply reply;
    try (MDC.MDCCloseable d = MDC.putCloseable("deviceId", command.deviceId().orElse(""));
        MDC.MDCCloseable c = MDC.putCloseable("commandId", command.commandId())) {
      CommandReply r = handler.handle(command);
      reply = r == null ? CommandReply.ok() : r;
    } catch (Throwable t) {
      if (t instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      LOG.warn("handler of {} failed on command {} ({})", command.wireName(), command.commandId(),
          command.mechanism(), t);
      reply = Replies.handlerFailed();
      if (t instanceof VirtualMachineError e) {
        finish(run, key, reply);
        throw e;
      }
    }
    finish(run, key, reply);
  }

  /**
   * Frees the handler's place, forgets a run that must run again (it failed, or gave the message back), then
   * answers the waiters: in that order, so that whoever sees the reply can already send the next command.
   */
  private void finish(Run run, CommandKey key, CommandReply reply) {
    pending.release();
    if (reply.disposition() == Disposition.ABANDON) {
      window.forget(key, run);
    }
    run.reply.complete(reply);
  }

  private CommandReply await(Run run, IncomingCommand command) {
    try {
      return run.reply.get(handlerTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      LOG.warn("handler of {} did not finish command {} within {} ms: answering timed out (it goes on running)",
          command.wireName(), command.commandId(), handlerTimeout.toMillis());
      return Replies.timedOut();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Replies.closed();
    } catch (ExecutionException e) {
      return Replies.handlerFailed(); // not reached: runs complete normally
    }
  }
}
