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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link MessagingClient} kept open. The SDK has no reconnect: after its error processor reports a
 * closed link or a transport error, sends fail until {@code open()} succeeds again. This link reopens with
 * backoff and jitter; sends made meanwhile wait in order (each at most the send timeout) and go out once
 * it is open. Every send ends: acknowledged, refused with the hub's error, or failed as
 * {@link HubError#CONNECTION_FAILED} when no answer came within the send timeout.
 */
public final class MessagingLink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MessagingLink.class);
  private static final int OPEN_TIMEOUT_MILLIS = 30_000;

  private final Function<Consumer<ErrorContext>, MessagingClient> clients;
  private final ScheduledExecutorService scheduler;
  private final Duration sendTimeout;
  private final Backoff backoff;
  private final ArrayDeque<PendingSend> waiting = new ArrayDeque<>();
  private @Nullable MessagingClient client;
  private boolean open;
  private boolean opening;
  private boolean closed;
  private int failedOpens;
  private long generation;

  /**
   * @param clients makes a client whose options carry the given error processor
   */
  public MessagingLink(Function<Consumer<ErrorContext>, MessagingClient> clients, ScheduledExecutorService scheduler,
      Duration sendTimeout, Backoff backoff) {
    this.clients = clients;
    this.scheduler = scheduler;
    this.sendTimeout = sendTimeout;
    this.backoff = backoff;
  }

  /** Sends a message; the future completes when the hub accepted it, or fails with a {@link HubException}. */
  public CompletableFuture<Void> send(CloudToDeviceMessage message) {
    PendingSend p = new PendingSend(message);
    MessagingClient c;
    synchronized (this) {
      if (closed) {
        p.fail(HubException.builder(HubError.CONNECTION_FAILED).deviceId(message.deviceId())
            .commandId(message.messageId()).detail("transport is closed").build());
        return p.result;
      }
      // Under the lock, so close() (which shuts the scheduler down after this) cannot slip in between.
      p.timeout = scheduler.schedule(() -> p.fail(HubException.builder(HubError.CONNECTION_FAILED)
          .deviceId(message.deviceId()).commandId(message.messageId())
          .detail("no answer from the hub to the send of message " + message.messageId() + " within "
              + sendTimeout.toSeconds() + " s (the messaging link may be reconnecting)").build()),
          sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!open) {
        waiting.addLast(p);
        startOpening();
        return p.result;
      }
      c = client;
    }
    dispatch(c, p);
    return p.result;
  }

  /** Opens the link now (blocking up to 30 s), so that configuration errors surface at once. */
  public void openNow() throws Exception {
    MessagingClient c;
    synchronized (this) {
      if (open || opening) {
        return;
      }
      opening = true;
      c = newClient();
    }
    try {
      c.open(OPEN_TIMEOUT_MILLIS);
    } catch (Exception e) {
      synchronized (this) {
        opening = false;
      }
      quietlyClose(c);
      throw e;
    }
    opened(c);
  }

  private void dispatch(@Nullable MessagingClient c, PendingSend p) {
    if (c == null) {
      requeue(p);
      return;
    }
    try {
      c.sendAsync(p.message.deviceId(), p.sdkMessage(), result -> p.settle(result), null);
    } catch (IllegalStateException e) { // the link closed under us: wait for the reopen
      LOG.debug("Messaging client not open for message {}; reconnecting", p.message.messageId());
      synchronized (this) {
        if (client == c) {
          open = false;
        }
      }
      requeue(p);
    } catch (RuntimeException e) {
      p.fail(AzureErrors.toHubException(e, p.message.deviceId(), p.message.messageId(), "cloud-to-device send"));
    }
  }

  private void requeue(PendingSend p) {
    synchronized (this) {
      if (!closed) {
        waiting.addFirst(p);
        startOpening();
        return;
      }
    }
    p.fail(HubException.builder(HubError.CONNECTION_FAILED).deviceId(p.message.deviceId())
        .commandId(p.message.messageId()).detail("transport is closed").build());
  }

  /** The SDK's error processor: the link is down until reopened. */
  private void onError(long ofGeneration, ErrorContext context) {
    String what = context.getIotHubException() != null
        ? Secrets.redact(String.valueOf(context.getIotHubException().getMessage()))
        : context.getNetworkException() != null ? Secrets.redact(context.getNetworkException().toString()) : "?";
    synchronized (this) {
      if (closed || ofGeneration != generation) {
        return;
      }
      LOG.warn("Messaging link to the hub failed ({}); reopening", what);
      open = false;
      startOpening();
    }
  }

  /** Lock held. */
  private void startOpening() {
    if (opening || closed) {
      return;
    }
    opening = true;
    long delay = failedOpens == 0 ? 0 : backoff.delay(failedOpens).toMillis();
    scheduler.schedule(this::reopen, delay, TimeUnit.MILLISECONDS);
  }

  private void reopen() {
    MessagingClient old;
    MessagingClient fresh;
    synchronized (this) {
      if (closed) {
        return;
      }
      old = client;
      client = null;
      fresh = newClient();
    }
    if (old != null) {
      quietlyClose(old);
    }
    try {
      fresh.open(OPEN_TIMEOUT_MILLIS);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      quietlyClose(fresh);
      synchronized (this) {
        failedOpens++;
        opening = false;
        LOG.warn("Opening the messaging link failed (attempt {}): {}", failedOpens, Secrets.redact(e.toString()));
        startOpening();
      }
      return;
    }
    opened(fresh);
  }

  private void opened(MessagingClient c) {
    List<PendingSend> flush;
    synchronized (this) {
      if (closed) {
        quietlyClose(c);
        return;
      }
      client = c;
      open = true;
      opening = false;
      failedOpens = 0;
      flush = new ArrayList<>(waiting);
      waiting.clear();
    }
    for (PendingSend p : flush) {
      if (!p.result.isDone()) {
        dispatch(c, p);
      }
    }
  }

  /** Lock held. */
  private MessagingClient newClient() {
    long g = ++generation;
    return clients.apply(context -> onError(g, context));
  }

  private static void quietlyClose(MessagingClient c) {
    try {
      c.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.debug("Closing a messaging client failed", e);
    }
  }

  /** Whether the link is open now (for tests and health checks). */
  public synchronized boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    MessagingClient c;
    List<PendingSend> pending;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      c = client;
      client = null;
      open = false;
      pending = new ArrayList<>(waiting);
      waiting.clear();
    }
    for (PendingSend p : pending) {
      p.fail(HubException.builder(HubError.CONNECTION_FAILED).deviceId(p.message.deviceId())
          .commandId(p.message.messageId()).detail("transport closed before the send").build());
    }
    if (c != null) {
      quietlyClose(c);
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
