package io.github.iothubcommands.azure.internal;

import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.ErrorContext;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackBatch;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClient;
import io.github.iothubcommands.spi.FeedbackReceiver;
import io.github.iothubcommands.spi.FeedbackRecord;
import io.github.iothubcommands.spi.FeedbackStatus;
import io.github.iothubcommands.spi.FeedbackSubscription;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link MessageFeedbackProcessorClient} kept running. Each batch goes to the receiver; the batch is
 * completed to the hub only once the receiver's stage completed normally, and abandoned (the hub delivers
 * it again) if the stage failed or did not complete within the acknowledgement timeout. After the SDK's
 * error processor reports a failure, the client is stopped and started again with backoff and jitter; a
 * batch that was not completed before the failure comes again, and the client's single-outcome rule makes
 * the repeat harmless.
 */
public final class FeedbackLink implements FeedbackSubscription {
  private static final Logger LOG = LoggerFactory.getLogger(FeedbackLink.class);
  private static final int START_TIMEOUT_MILLIS = 30_000;

  private final FeedbackReceiver receiver;
  private final Executor callbacks;
  private final Duration acknowledgeTimeout;
  private final KeptOpen<MessageFeedbackProcessorClient> connection;

  public FeedbackLink(BiFunction<Function<FeedbackBatch, AcknowledgementType>, Consumer<ErrorContext>,
      MessageFeedbackProcessorClient> clients, FeedbackReceiver receiver, Executor callbacks,
      ScheduledExecutorService scheduler, Executor connecting, Duration acknowledgeTimeout, Backoff backoff) {
    this.receiver = receiver;
    this.callbacks = callbacks;
    this.acknowledgeTimeout = acknowledgeTimeout;
    this.connection = new KeptOpen<>("feedback receiver", scheduler, connecting, backoff) {
      @Override
      MessageFeedbackProcessorClient create(long generation) {
        return clients.apply(FeedbackLink.this::onBatch, context -> failed(generation, context));
      }

      @Override
      void open(MessageFeedbackProcessorClient client) throws Exception {
        client.start(START_TIMEOUT_MILLIS);
      }

      @Override
      void dispose(MessageFeedbackProcessorClient client) {
        try {
          client.stop();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
          LOG.debug("Stopping a feedback receiver failed", e);
        }
      }
    };
  }

  /** Starts receiving in the background. */
  public void start() {
    connection.reopen();
  }

  /**
   * On the SDK's thread: hands the batch to the receiver on the callback thread (so no caller's code runs on
   * the SDK's reactor) and answers COMPLETE only once its records were taken.
   */
  private AcknowledgementType onBatch(FeedbackBatch batch) {
    List<FeedbackRecord> records = new ArrayList<>();
    for (com.microsoft.azure.sdk.iot.service.messaging.FeedbackRecord r : batch.getRecords()) {
      records.add(toRecord(r));
    }
    try {
      CompletableFuture.supplyAsync(() -> receiver.receive(records), callbacks)
          .thenCompose(taken -> taken)
          .get(acknowledgeTimeout.toMillis(), TimeUnit.MILLISECONDS);
      return AcknowledgementType.COMPLETE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return AcknowledgementType.ABANDON;
    } catch (Exception e) {
      LOG.warn("Feedback batch of {} records not taken ({}); abandoning it so the hub delivers it again",
          records.size(), e.toString());
      return AcknowledgementType.ABANDON;
    }
  }

  static FeedbackRecord toRecord(com.microsoft.azure.sdk.iot.service.messaging.FeedbackRecord r) {
    Date enqueued = r.getEnqueuedTimeUtc();
    FeedbackRecord.Builder b = FeedbackRecord.builder()
        .originalMessageId(String.valueOf(r.getOriginalMessageId()))
        .deviceId(String.valueOf(r.getDeviceId()))
        .status(status(r.getStatusCode()))
        .enqueuedTime(enqueued != null ? enqueued.toInstant() : Instant.EPOCH);
    if (r.getDescription() != null) {
      b.description(r.getDescription());
    }
    if (r.getDeviceGenerationId() != null) {
      b.deviceGenerationId(r.getDeviceGenerationId());
    }
    return b.build();
  }

  /**
   * The SDK's status code as ours. Its enum has no {@code purged}: the hub's five statuses are Success,
   * Expired, DeliveryCountExceeded, Rejected and Purged, so its {@code unknown} is Purged.
   */
  static FeedbackStatus status(com.microsoft.azure.sdk.iot.service.messaging.@Nullable FeedbackStatusCode code) {
    if (code == null) {
      return FeedbackStatus.PURGED;
    }
    return switch (code) {
      case success -> FeedbackStatus.SUCCESS;
      case expired -> FeedbackStatus.EXPIRED;
      case deliveryCountExceeded -> FeedbackStatus.DELIVERY_COUNT_EXCEEDED;
      case rejected -> FeedbackStatus.REJECTED;
      case unknown -> FeedbackStatus.PURGED;
    };
  }

  /** Whether a receiver is running now (for tests and health checks). */
  public boolean isRunning() {
    MessageFeedbackProcessorClient c = connection.current();
    return c != null && c.isRunning();
  }

  @Override
  public void close() {
    connection.close();
  }
}
