package io.github.iothubcommands.reactor;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Loaded by BlockHound (installed for every test by blockhound-junit-platform) through the service loader: it
 * records every blocking call on a non-blocking (Reactor) thread, with the thread and the stack, before
 * failing it as BlockHound does by default. A blocking call inside a task whose error is logged and dropped
 * (a timer task, a future's callback) would otherwise go unnoticed: tests assert that the record is empty.
 */
public final class RecordingBlockHound implements BlockHoundIntegration {
  static final List<String> BLOCKED = new CopyOnWriteArrayList<>();

  @Override
  public void applyTo(BlockHound.Builder builder) {
    builder.blockingMethodCallback(method -> {
      BlockingOperationError error = new BlockingOperationError(method);
      StringWriter stack = new StringWriter();
      error.printStackTrace(new PrintWriter(stack));
      BLOCKED.add("on " + Thread.currentThread().getName() + ": " + stack);
      throw error;
    });
  }

  /** What was recorded so far, and forgets it. */
  static List<String> drain() {
    List<String> seen = List.copyOf(BLOCKED);
    BLOCKED.clear();
    return seen;
  }
}
