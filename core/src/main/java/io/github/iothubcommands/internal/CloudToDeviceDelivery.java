package io.github.iothubcommands.internal;

import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.CloudToDevice;
import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.Mechanism;
import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.FeedbackRecord;
import io.github.iothubcommands.spi.TimeSource;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A cloud-to-device message, its id the command id (also in the {@value Command#ID_PROPERTY} property): queued
 * by the hub, then tracked through its feedback until its expiry plus the
 * client's feedback window, when the outcome is inferred from the feedback that did not come.
 */
final class CloudToDeviceDelivery implements Delivery {
  private final CloudToDevice strategy;
  private final Attempts a;

  CloudToDeviceDelivery(CloudToDevice strategy, Attempts attempts) {
    this.strategy = strategy;
    this.a = attempts;
  }

  @Override
  public void check(Command command) {
    int size = CloudToDeviceMessage.sizeOf(command.payloadSize(), command.properties())
        + CloudToDeviceMessage.sizeOf(0, Map.of(Command.NAME_PROPERTY, command.wireName(),
            Command.ID_PROPERTY, command.id()));
    Validation.maxBytes("cloud-to-device message (payload + properties) of command " + command.id(), size,
        CloudToDevice.MAX_MESSAGE_BYTES);
  }

  @Override
  public CompletableFuture<CommandOutcome> attempt(TrackedCommand t) {
    Command command = t.command();
    t.beginAttempt(Mechanism.CLOUD_TO_DEVICE);
    Acknowledgement ack = strategy.acknowledgement();
    CloudToDeviceMessage message = CloudToDeviceMessage.builder().deviceId(t.deviceId()).messageId(command.id())
        .payload(command.payload(), command.contentType()).properties(properties(command)).acknowledgement(ack)
        .expiryTime(a.time.now().plus(strategy.timeToLive())).build();
    Duration window = strategy.timeToLive().plus(a.feedbackWindow);
    // Registered before the send, so feedback that overtakes the send's answer still finds its command.
    @Nullable CompletableFuture<Optional<FeedbackRecord>> feedback =
        ack == Acknowledgement.NONE ? null : a.tracker.awaitFeedback(t, window);
    CompletableFuture<CommandOutcome> result = new CompletableFuture<>();
    // Without feedback nothing else bounds the wait for the send's answer.
    TimeSource.@Nullable Cancellable guard = feedback != null ? null : a.time.schedule(window, () -> result.complete(
        a.outcome(t, CommandStatus.FAILED, "the transport did not confirm the send within the time-to-live + "
            + "feedback window (" + Validation.seconds(window) + ")").build()));
    a.call("sendCloudToDevice", () -> a.transport.sendCloudToDevice(message)).whenComplete((ignored, error) -> {
      if (guard != null) {
        guard.cancel();
      }
      if (error != null) {
        if (feedback != null) {
          t.endFeedbackWait(feedback); // no feedback comes for a refused send; a retry waits afresh
        }
        result.complete(a.failure(t, error));
        return;
      }
      a.tracker.markSent(t);
      if (feedback == null) {
        result.complete(a.outcome(t, CommandStatus.ACCEPTED,
            "queued by the hub; acknowledgement none, so its fate is not reported").build());
      }
    });
    if (feedback != null) {
      feedback.thenAccept(record -> result.complete(
          record.isPresent() ? fromFeedback(t, record.get()) : withoutFeedback(t, ack, window)));
    }
    return result;
  }

  private CommandOutcome fromFeedback(TrackedCommand t, FeedbackRecord record) {
    String status = record.status().wireValue();
    String description = record.description();
    return a.outcome(t, record.status().commandStatus(), "feedback " + status
        + (description.isEmpty() || description.equalsIgnoreCase(status) ? "" : ": " + description)).build();
  }

  private CommandOutcome withoutFeedback(TrackedCommand t, Acknowledgement ack, Duration window) {
    String why = "no feedback within the time-to-live + feedback window (" + Validation.seconds(window) + ")";
    if (t.status() == CommandStatus.QUEUED) {
      return a.outcome(t, CommandStatus.FAILED, why + ", and the transport never confirmed the send").build();
    }
    return switch (ack) {
      case NEGATIVE -> a.outcome(t, CommandStatus.DELIVERED, why + " under acknowledgement negative: inferred "
          + "delivered").inferred(true).build();
      case POSITIVE -> a.outcome(t, CommandStatus.NOT_DELIVERED, why + " under acknowledgement positive: inferred "
          + "not delivered").inferred(true).build();
      case FULL, NONE -> a.outcome(t, CommandStatus.FAILED, why + " under acknowledgement full: the hub's "
          + "feedback was lost or consumed by another receiver").build();
    };
  }

  static Map<String, String> properties(Command command) {
    Map<String, String> properties = new LinkedHashMap<>(command.properties());
    properties.put(Command.NAME_PROPERTY, command.wireName());
    properties.put(Command.ID_PROPERTY, command.id());
    return properties;
  }
}
