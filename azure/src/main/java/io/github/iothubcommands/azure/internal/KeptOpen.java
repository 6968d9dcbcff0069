package io.github.iothubcommands.azure.internal;

import com.microsoft.azure.sdk.iot.service.messaging.ErrorContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SDK client that has no reconnect of its own, kept connected: after its error processor fires, the
 * client is replaced by a new one, opened with backoff and jitter: the scheduler only times the attempts,
 * which run (they block, up to the SDK's open timeout) on the transport's connecting threads, so a stuck
 * open never holds up a send's timeout. Each client belongs to a generation, so a late error from a
 * replaced client is ignored.
 *
 * @param <C> the SDK client
 */
abstract class KeptOpen<C> {
  private static final Logger LOG = LoggerFactory.getLogger(KeptOpen.class);
  /** A client that stayed open this long before failing counts as stable: its successor opens at once. */
  private static final long STABLE_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final String what;
  private final ScheduledExecutorService scheduler;
  /** Runs what blocks: opening a client and closing a replaced one. */
  private final Executor connecting;
  private final Backoff backoff;
  private @Nullable C client;
  /** A failed client not yet closed: the next attempt closes it before opening its successor. */
  private @Nullable C retired;
  /** The client an attempt is opening now, so that close() can stop it too. */
  private @Nullable C attempting;
  private boolean opening;
  private boolean closed;
  private int failedOpens;
  private long generation;
  /** When the current client opened ({@code System.nanoTime()}), to tell a flapping link from a stable one. */
  private long openedAt;

  KeptOpen(String what, ScheduledExecutorService scheduler, Executor connecting, Backoff backoff) {
    this.what = what;
    this.scheduler = scheduler;
    this.connecting = connecting;
    this.backoff = backoff;
  }

  /** Makes a new client whose error processor calls {@link #failed(long, ErrorContext)} with this generation. */
  abstract C create(long generation);

  /** Opens (starts) the client, blocking. */
  abstract void open(C client) throws Exception;

  /** Closes (stops) the client, quietly. */
  abstract void dispose(C client);

  /** Called, under no lock, once a new client is open. */
  void opened(C client) {}

  /** The client open now, or null while (re)opening or after close. */
  final synchronized @Nullable C current() {
    return client;
  }

  final synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Starts opening unless a client is open or an attempt is under way; the first attempt goes at once,
   * later ones back off.
   */
  final synchronized void reopen() {
    if (client != null || opening || closed) {
      return;
    }
    opening = true;
    long delay = failedOpens == 0 ? 0 : backoff.delay(failedOpens).toMillis();
    if (delay == 0) {
      connecting.execute(this::attempt);
    } else {
      scheduler.schedule(() -> connecting.execute(this::attempt), delay, TimeUnit.MILLISECONDS);
    }
  }

  /** Marks {@code broken} as no longer usable (a send found it closed) and reopens. */
  final void broken(C broken) {
    synchronized (this) {
      if (client != broken) {
        return;
      }
      countFailureOfOpenClient();
      retired = client;
      client = null;
    }
    reopen();
  }

  /** The SDK's error processor of the client of {@code ofGeneration}. */
  final void failed(long ofGeneration, ErrorContext context) {
    String cause = context.getIotHubException() != null
        ? String.valueOf(context.getIotHubException().getMessage())
        : context.getNetworkException() != null ? context.getNetworkException().toString() : "no detail";
    synchronized (this) {
      if (closed || ofGeneration != generation || opening) {
        return; // a replaced client, or one still opening (its open() fails and is retried)
      }
      LOG.warn("{} failed ({}); reconnecting", what, Secrets.redact(cause));
      countFailureOfOpenClient();
      retired = client;
      client = null;
    }
    reopen();
  }

  /**
   * Lock held. A client that failed soon after it opened (the hub accepts, then drops the connection) backs
   * off like a failed open, so a flapping link is not retried in a tight loop; one that stayed up starts over.
   */
  private void countFailureOfOpenClient() {
    if (System.nanoTime() - openedAt < STABLE_NANOS) {
      failedOpens++;
    } else {
      failedOpens = 0;
    }
  }

  private void attempt() {
    C old;
    C fresh;
    synchronized (this) {
      if (closed) {
        return;
      }
      old = client != null ? client : retired;
      client = null;
      retired = null;
      try {
        fresh = create(++generation);
      } catch (RuntimeException e) { // the SDK refused its own settings: log it and keep trying, never wedge
        retired = old; // still to be closed
        failedOpens++;
        opening = false;
        LOG.warn("Creating the {} failed (attempt {}): {}", what, failedOpens, Secrets.redact(e.toString()));
        reopen();
        return;
      }
      attempting = fresh;
    }
    if (old != null) {
      // Closing a client whose connection broke can block for the SDK's stop timeout (5 s): not in the way.
      connecting.execute(() -> dispose(old));
    }
    try {
      open(fresh);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      synchronized (this) {
        attempting = null;
      }
      dispose(fresh);
      synchronized (this) {
        failedOpens++;
        opening = false;
        LOG.warn("Opening the {} failed (attempt {}): {}", what, failedOpens, Secrets.redact(e.toString()));
      }
      reopen();
      return;
    }
    synchronized (this) {
      attempting = null;
      if (closed) {
        dispose(fresh);
        return;
      }
      client = fresh;
      opening = false;
      openedAt = System.nanoTime();
    }
    opened(fresh);
  }

  /** Closes the client and stops reopening. Idempotent. */
  void close() {
    List<C> toDispose = new ArrayList<>(3);
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      for (C c : Arrays.asList(client, retired, attempting)) {
        if (c != null) {
          toDispose.add(c);
        }
      }
      client = null;
      retired = null;
      attempting = null;
    }
    toDispose.forEach(this::dispose);
  }
}
