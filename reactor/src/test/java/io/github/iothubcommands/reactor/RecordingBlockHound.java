package io.github.iothubcommands.reactor;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.blockhound.integration.BlockHoundIntegration;
import reactor.core.scheduler.NonBlocking;

/**
 * Loaded by BlockHound (installed for every test by blockhound-junit-platform) through the service loader.
 *
 * <p>On a Reactor thread ({@link NonBlocking}: the parallel scheduler's) it records every blocking call, with
 * the thread and the stack, then fails it as BlockHound does by default: a blocking call inside a task whose
 * error is logged and dropped (a timer task, a future's callback) would otherwise go unnoticed, so tests
 * assert that the record is empty.
 *
 * <p>One blocking call is allowed, and recorded apart ({@link #URANDOM}): {@code UUID.randomUUID()}, which
 * now and then refills {@code SecureRandom}'s buffer from {@code /dev/urandom} with a file read. The Azure
 * service SDK's {@code Message} constructor calls it on the thread that sends a cloud-to-device message — a
 * Reactor thread when the send is subscribed there — and so does {@code Command}'s default id. On Linux that read never waits (the kernel's CSPRNG
 * answers at once once seeded at boot), so it is reported (docs/reactive.md), not failed.
 *
 * <p>Other threads that an integration declares non-blocking — Netty's event loops, which the emulator runs
 * on — are not this module's to judge: a blocking call there is logged and allowed, so the emulator keeps
 * working while the test watches the client.
 */
public final class RecordingBlockHound implements BlockHoundIntegration {
  private static final Logger LOG = LoggerFactory.getLogger(RecordingBlockHound.class);
  static final List<String> BLOCKED = new CopyOnWriteArrayList<>();
  /** The allowed {@code UUID.randomUUID()} reads of {@code /dev/urandom} on Reactor threads, by caller. */
  static final List<String> URANDOM = new CopyOnWriteArrayList<>();

  @Override
  public void applyTo(BlockHound.Builder builder) {
    builder.blockingMethodCallback(method -> {
      BlockingOperationError error = new BlockingOperationError(method);
      Thread thread = Thread.currentThread();
      if (!(thread instanceof NonBlocking)) {
        LOG.warn("Blocking call on non-Reactor event loop {} (allowed here): {}", thread.getName(), method);
        return;
      }
      String uuidCaller = StackWalker.getInstance().walk(frames -> frames
          .dropWhile(f -> !(f.getClassName().equals("java.util.UUID") && f.getMethodName().equals("randomUUID")))
          .skip(1).findFirst().map(f -> f.getClassName() + "." + f.getMethodName()).orElse(null));
      if (uuidCaller != null) {
        URANDOM.add(uuidCaller + " on " + thread.getName());
        return;
      }
      StringWriter stack = new StringWriter();
      error.printStackTrace(new PrintWriter(stack));
      BLOCKED.add("on " + thread.getName() + ": " + stack);
      throw error;
    });
  }

  /** What was recorded on Reactor threads so far, and forgets it. */
  static List<String> drain() {
    List<String> seen = List.copyOf(BLOCKED);
    BLOCKED.clear();
    return seen;
  }
}
