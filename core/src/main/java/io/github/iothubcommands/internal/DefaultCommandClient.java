package io.github.iothubcommands.internal;

import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.CloudToDevice;
import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandEvent;
import io.github.iothubcommands.CommandHandle;
import io.github.iothubcommands.CommandListener;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.DirectMethod;
import io.github.iothubcommands.HubError;
import io.github.iothubcommands.HubException;
import io.github.iothubcommands.MethodResponse;
import io.github.iothubcommands.SequencePlan;
import io.github.iothubcommands.SequenceResult;
import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.FeedbackReceiver;
import io.github.iothubcommands.spi.FeedbackRecord;
import io.github.iothubcommands.spi.HubTransport;
import io.github.iothubcommands.spi.MethodInvocation;
import io.github.iothubcommands.spi.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The command client: validates, hands commands to the transport, correlates feedback, enforces deadlines. */
public final class DefaultCommandClient implements CommandClient {
  /**
   * How long past a direct method's connect + response timeouts the client waits for the transport's answer
   * before it completes the command as timed out itself; covers a transport that never answers.
   */
  static final Duration METHOD_GRACE = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(DefaultCommandClient.class);

  private final HubTransport transport;
  private final TimeSource time;
  private final Duration feedbackWindow;
  private final List<CommandListener> listeners;
  /** Commands without a terminal outcome, by command id (which is also the C2D message id). */
  private final ConcurrentHashMap<String, TrackedCommand> inFlight = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public DefaultCommandClient(
      HubTransport transport, TimeSource time, Duration feedbackWindow, List<CommandListener> listeners) {
    this.transport = transport;
    this.time = time;
    this.feedbackWindow = feedbackWindow;
    this.listeners = listeners;
    transport.startFeedback(FeedbackReceiver.taking(this::onFeedback));
  }

  @Override
  public CommandHandle sendAsync(String deviceId, Command command, DeliveryStrategy strategy) {
    validate(deviceId, command, strategy);
    return submit(deviceId, command, strategy);
  }

  @Override
  public CommandOutcome send(String deviceId, Command command, DeliveryStrategy strategy) {
    return await(sendAsync(deviceId, command, strategy).outcome(), "command " + command.id());
  }

  @Override
  public CompletableFuture<SequenceResult> runAsync(SequencePlan plan) {
    Validation.notNull("plan", plan);
    checkOpen();
    for (SequencePlan.Step step : plan.steps()) {
      validate(plan.deviceId(), step.command(), step.strategy());
    }
    return new SequenceRun(plan, this).start();
  }

  @Override
  public SequenceResult run(SequencePlan plan) {
    return await(runAsync(plan), "sequence for device " + plan.deviceId());
  }

  @Override
  public Duration feedbackWindow() {
    return feedbackWindow;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (TrackedCommand t : inFlight.values()) {
      complete(t, outcome(t, CommandStatus.FAILED, null, null, "client closed before the outcome was known"));
    }
    transport.close();
  }

  /** Checks everything about a send; throws before anything is sent. */
  static void validate(String deviceId, Command command, DeliveryStrategy strategy) {
    Validation.deviceId(deviceId);
    Validation.notNull("command", command);
    Validation.notNull("strategy", strategy);
    if (strategy instanceof CloudToDevice) {
      Validation.maxBytes("cloud-to-device message (payload + properties) of command " + command.id(),
          CloudToDeviceMessage.sizeOf(command.payloadSize(), c2dProperties(command)), CloudToDevice.MAX_MESSAGE_BYTES);
    } else if (strategy instanceof DirectMethod) {
      if (!command.isJson()) {
        throw new IllegalArgumentException("payload of command " + command.id() + " must be JSON ("
            + Command.JSON + ") to travel as a direct method, but was " + command.contentType());
      }
      if (!command.properties().isEmpty()) {
        throw new IllegalArgumentException("properties of command " + command.id() + " must be empty to travel as "
            + "a direct method (methods carry no properties), but were " + command.properties().keySet());
      }
      Validation.maxBytes("direct method payload of command " + command.id(), command.payloadSize(),
          DirectMethod.MAX_PAYLOAD_BYTES);
    }
  }

  /** Registers and dispatches an already validated command. */
  TrackedCommand submit(String deviceId, Command command, DeliveryStrategy strategy) {
    checkOpen();
    TrackedCommand t = new TrackedCommand(deviceId, command, strategy, this::publish);
    TrackedCommand existing = inFlight.putIfAbsent(command.id(), t);
    if (existing != null) {
      throw new IllegalStateException("command id '" + command.id() + "' is already in flight (to device "
          + existing.deviceId() + ", status " + existing.status() + "); ids are idempotency keys: build a new "
          + "Command or wait for the first one's outcome");
    }
    t.announceQueued(time.now());
    if (closed) { // close() raced with this send: it must still end in an outcome
      complete(t, outcome(t, CommandStatus.FAILED, null, null, "client closed before the command was sent"));
      return t;
    }
    if (strategy instanceof CloudToDevice c2d) {
      sendCloudToDevice(t, c2d);
    } else if (strategy instanceof DirectMethod method) {
      invokeMethod(t, method);
    }
    return t;
  }

  private void sendCloudToDevice(TrackedCommand t, CloudToDevice c2d) {
    Command command = t.command();
    Instant expiry = time.now().plus(c2d.timeToLive());
    CloudToDeviceMessage message = CloudToDeviceMessage.builder().deviceId(t.deviceId()).messageId(command.id())
        .payload(command.payload(), command.contentType()).properties(c2dProperties(command))
        .acknowledgement(c2d.acknowledgement()).expiryTime(expiry).build();
    callTransport(() -> transport.sendCloudToDevice(message)).whenComplete((ignored, error) -> {
      if (error != null) {
        completeWithError(t, error);
      } else if (c2d.acknowledgement() == Acknowledgement.NONE) {
        complete(t, outcome(t, CommandStatus.ACCEPTED, null, null,
            "queued by the hub; acknowledgement none, so its fate is not reported"));
      } else {
        t.markSent(time.now());
        Duration untilDeadline = Duration.between(time.now(), expiry).plus(feedbackWindow);
        t.setDeadline(time.schedule(untilDeadline, () -> onFeedbackDeadline(t, c2d.acknowledgement())));
      }
    });
  }

  private void onFeedbackDeadline(TrackedCommand t, Acknowledgement ack) {
    String window = "no feedback by expiry + feedback window (" + Validation.seconds(feedbackWindow) + ")";
    switch (ack) {
      case NEGATIVE -> complete(t, CommandOutcome.builder().commandId(t.commandId()).deviceId(t.deviceId()).status(CommandStatus.DELIVERED).inferred(true)
          .detail(window + " under acknowledgement negative: inferred delivered").completedAt(time.now()).build());
      case POSITIVE -> complete(t, CommandOutcome.builder().commandId(t.commandId()).deviceId(t.deviceId()).status(CommandStatus.NOT_DELIVERED).inferred(true)
          .detail(window + " under acknowledgement positive: inferred not delivered").completedAt(time.now()).build());
      default -> complete(t, outcome(t, CommandStatus.FAILED, null, null,
          window + " under acknowledgement full: the hub's feedback was lost or consumed by another receiver"));
    }
  }

  private void invokeMethod(TrackedCommand t, DirectMethod method) {
    Command command = t.command();
    MethodInvocation invocation = MethodInvocation.builder().deviceId(t.deviceId()).methodName(command.wireName())
        .payloadJson(command.payloadAsString()).connectTimeout(method.connectTimeout())
        .responseTimeout(method.responseTimeout()).build();
    t.markSent(time.now());
    Duration guard = method.connectTimeout().plus(method.responseTimeout()).plus(METHOD_GRACE);
    t.setDeadline(time.schedule(guard, () -> complete(t, outcome(t, CommandStatus.TIMED_OUT, null, null,
        "the transport gave no answer within connect + response timeout + " + Validation.seconds(METHOD_GRACE)))));
    callTransport(() -> transport.invokeMethod(invocation)).whenComplete((response, error) -> {
      if (error != null) {
        completeWithError(t, error);
      } else {
        complete(t, outcome(t, response.isSuccess() ? CommandStatus.SUCCEEDED : CommandStatus.FAILED, response, null,
            "device answered with status " + response.status()));
      }
    });
  }

  private void onFeedback(List<FeedbackRecord> batch) {
    for (FeedbackRecord record : batch) {
      TrackedCommand t = inFlight.get(record.originalMessageId());
      if (t == null || !(t.strategy() instanceof CloudToDevice) || !t.deviceId().equals(record.deviceId())) {
        LOG.debug("Feedback for a message this client is not tracking: originalMessageId={}, deviceId={}, status={}",
            record.originalMessageId(), record.deviceId(), record.status());
        continue;
      }
      complete(t, outcome(t, record.status().commandStatus(), null, null,
          "feedback " + record.status().wireValue() + (record.description().isEmpty()
              || record.description().equalsIgnoreCase(record.status().wireValue()) ? "" : ": " + record.description())));
    }
  }

  private void completeWithError(TrackedCommand t, Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    HubError hubError = cause instanceof HubException he ? he.error() : HubError.UNKNOWN;
    CommandStatus status = switch (hubError) {
      case DEVICE_NOT_ONLINE -> CommandStatus.DEVICE_OFFLINE;
      case GATEWAY_TIMEOUT -> CommandStatus.TIMED_OUT;
      default -> CommandStatus.FAILED;
    };
    complete(t, outcome(t, status, null, hubError, String.valueOf(cause.getMessage())));
  }

  private void complete(TrackedCommand t, CommandOutcome outcome) {
    if (t.complete(outcome)) {
      inFlight.remove(t.commandId(), t);
    }
  }

  private CommandOutcome outcome(TrackedCommand t, CommandStatus status, @Nullable MethodResponse response,
      @Nullable HubError error, String detail) {
    return CommandOutcome.builder().commandId(t.commandId()).deviceId(t.deviceId()).status(status).methodResponse(response)
        .hubError(error).detail(detail).completedAt(time.now()).build();
  }

  private void publish(CommandEvent event) {
    try (MDC.MDCCloseable d = MDC.putCloseable("deviceId", event.deviceId());
        MDC.MDCCloseable c = MDC.putCloseable("commandId", event.commandId())) {
      LOG.debug("Command {} {} -> {}", event.commandId(), event.previous(), event.status());
      for (CommandListener listener : listeners) {
        try {
          listener.onEvent(event);
        } catch (RuntimeException e) {
          LOG.warn("Command listener {} failed on {}", listener, event.status(), e);
        }
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("client is closed: build a new CommandClient");
    }
  }

  /** A transport that throws instead of returning a failed future still yields an outcome. */
  private static <T> CompletableFuture<T> callTransport(java.util.function.Supplier<CompletableFuture<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  static Map<String, String> c2dProperties(Command command) {
    Map<String, String> properties = new LinkedHashMap<>(command.properties());
    properties.put(Command.NAME_PROPERTY, command.wireName());
    return properties;
  }

  static <T> T await(Future<T> future, String what) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the outcome of " + what, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("waiting for the outcome of " + what + " failed", e.getCause());
    }
  }

  Instant now() {
    return time.now();
  }
}
