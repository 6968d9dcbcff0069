package io.github.iothubcommands.azure.internal;

import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.ErrorContext;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.SendResult;
import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.HubError;
import io.github.iothubcommands.HubException;
import io.github.iothubcommands.spi.CloudToDeviceMessage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One {@link MessagingClient} kept open. The SDK has no reconnect: after its error processor reports a
 * closed link or a transport error, sends fail until {@code open()} succeeds again. This link reopens with
 * backoff and jitter; sends made meanwhile wait in order (each at most the send timeout) and go out once
 * it is open. Every send ends: acknowledged, refused with the hub's error, or failed as
 * {@link HubError#CONNECTION_FAILED} when no answer came within the send timeout.
 */
public final class MessagingLink implements AutoCloseable {
  private static final int OPEN_TIMEOUT_MILLIS = 30_000;

  private final ScheduledExecutorService scheduler;
  private final Duration sendTimeout;
  private final Connection connection;
  /** Sends waiting for the link to open, in order; guarded by itself. */
  private final ArrayDeque<PendingSend> waiting = new ArrayDeque<>();

  /**
   * @param clients makes a client whose options carry the given error processor
   */
  public MessagingLink(Function<Consumer<ErrorContext>, MessagingClient> clients, ScheduledExecutorService scheduler,
      Executor connecting, Duration sendTimeout, Backoff backoff) {
    this.scheduler = scheduler;
    this.sendTimeout = sendTimeout;
    this.connection = new Connection(clients, scheduler, connecting, backoff);
  }

  /** Sends a message; the future completes when the hub accepted it, or fails with a {@link HubException}. */
  public CompletableFuture<Void> send(CloudToDeviceMessage message) {
    PendingSend p = new PendingSend(message);
    synchronized (waiting) {
      if (connection.isClosed()) {
        p.fail(closedError(message));
        return p.result;
      }
      // Under the lock, so close() (which shuts the scheduler down after this) cannot slip in between.
      p.timeout = scheduler.schedule(() -> {
        synchronized (waiting) {
          waiting.remove(p); // a long outage must not keep every timed-out send (and its payload) queued
        }
        p.fail(HubException.builder(HubError.CONNECTION_FAILED)
            .deviceId(message.deviceId()).commandId(message.messageId())
            .detail("no answer from the hub to the send of message " + message.messageId() + " within "
                + sendTimeout.toSeconds() + " s (the messaging link may be reconnecting)").build());
      }, sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    dispatch(p);
    return p.result;
  }

  /** Hands the send to the open client, or queues it until the link is open. */
  private void dispatch(PendingSend p) {
    MessagingClient c;
    synchronized (waiting) {
      // close() marks the connection closed under this lock: checked here, a send can never be queued after
      // close() drained the queue (and its timeout thrown away with the scheduler).
      if (connection.isClosed()) {
        p.fail(closedError(p.message));
        return;
      }
      c = connection.current();
      if (c == null) {
        waiting.addLast(p);
      }
    }
    if (c == null) {
      connection.reopen();
      return;
    }
    try {
      c.sendAsync(p.message.deviceId(), p.sdkMessage(), p::settle, null);
    } catch (IllegalStateException e) { // the link closed under us: wait for the reopen
      MessagingClient now;
      synchronized (waiting) {
        if (connection.isClosed()) {
          p.fail(closedError(p.message));
          return;
        }
        now = connection.current();
        if (now == null || now == c) {
          waiting.addFirst(p);
        }
      }
      if (now != null && now != c) {
        dispatch(p); // already reopened meanwhile: the flush has passed, send on the new client
        return;
      }
      connection.broken(c);
    } catch (RuntimeException e) {
      p.fail(AzureErrors.toHubException(e, p.message.deviceId(), p.message.messageId(), "cloud-to-device send"));
    }
  }

  private void flushWaiting() {
    List<PendingSend> flush;
    synchronized (waiting) {
      flush = new ArrayList<>(waiting);
      waiting.clear();
    }
    for (PendingSend p : flush) {
      if (!p.result.isDone()) {
        dispatch(p);
      }
    }
  }

  /** Whether the link is open now (for tests and health checks). */
  public boolean isOpen() {
    return connection.current() != null;
  }

  @Override
  public void close() {
    List<PendingSend> pending;
    synchronized (waiting) {
      connection.close();
      pending = new ArrayList<>(waiting);
      waiting.clear();
    }
    for (PendingSend p : pending) {
      p.fail(closedError(p.message));
    }
  }

  private static HubException closedError(CloudToDeviceMessage m) {
    return HubException.builder(HubError.CONNECTION_FAILED).deviceId(m.deviceId()).commandId(m.messageId())
        .detail("transport is closed").build();
  }

  /** The MessagingClient kept open. */
  private final class Connection extends KeptOpen<MessagingClient> {
    private final Function<Consumer<ErrorContext>, MessagingClient> clients;

    Connection(Function<Consumer<ErrorContext>, MessagingClient> clients, ScheduledExecutorService scheduler,
        Executor connecting, Backoff backoff) {
      super("messaging link", scheduler, connecting, backoff);
      this.clients = clients;
    }

    @Override
    MessagingClient create(long generation) {
      return clients.apply(context -> failed(generation, context));
    }

    @Override
    void open(MessagingClient client) throws Exception {
      client.open(OPEN_TIMEOUT_MILLIS);
    }

    @Override
    void dispose(MessagingClient client) {
      try {
        client.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        // closing a broken client may fail too; nothing is left to do with it
      }
    }

    @Override
    void opened(MessagingClient client) {
      flushWaiting();
    }
  }

  static DeliveryAcknowledgement sdkAcknowledgement(Acknowledgement ack) {
    return switch (ack) {
      case NONE -> DeliveryAcknowledgement.None;
      case POSITIVE -> DeliveryAcknowledgement.PositiveOnly;
      case NEGATIVE -> DeliveryAcknowledgement.NegativeOnly;
      case FULL -> DeliveryAcknowledgement.Full;
    };
  }

  /** One send until it ends. */
  private static final class PendingSend {
    final CloudToDeviceMessage message;
    final CompletableFuture<Void> result = new CompletableFuture<>();
    @Nullable ScheduledFuture<?> timeout;

    PendingSend(CloudToDeviceMessage message) {
      this.message = message;
    }

    Message sdkMessage() {
      Message m = new Message(message.payload());
      m.setMessageId(message.messageId()); // feedback correlates on it
      m.setExpiryTimeUtc(Date.from(message.expiryTime()));
      m.setDeliveryAcknowledgement(sdkAcknowledgement(message.acknowledgement()));
      m.setProperties(message.properties());
      return m;
    }

    void settle(SendResult r) {
      if (r.wasSentSuccessfully()) {
        cancelTimeout();
        result.complete(null);
      } else {
        fail(r.getException() != null
            ? AzureErrors.toHubException(r.getException(), message.deviceId(), message.messageId(),
                "cloud-to-device send")
            : HubException.builder(HubError.UNKNOWN).deviceId(message.deviceId()).commandId(message.messageId())
                .detail("the hub did not accept message " + message.messageId()).build());
      }
    }

    void fail(HubException e) {
      cancelTimeout();
      result.completeExceptionally(e);
    }

    private void cancelTimeout() {
      ScheduledFuture<?> t = timeout;
      if (t != null) {
        t.cancel(false);
      }
    }
  }
}
