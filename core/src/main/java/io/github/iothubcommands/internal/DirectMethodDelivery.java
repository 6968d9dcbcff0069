package io.github.iothubcommands.internal;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.DirectMethod;
import io.github.iothubcommands.Mechanism;
import io.github.iothubcommands.MethodResponse;
import io.github.iothubcommands.spi.BlockingMethodTransport;
import io.github.iothubcommands.spi.MethodInvocation;
import io.github.iothubcommands.spi.TimeSource;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A direct method: one request-response call through the hub, carrying the command id in its payload unless
 * the strategy says not to ({@link CommandIds}). The command counts as sent once the hub
 * reached the device — it answered, or did not within the response timeout — since over HTTPS nothing
 * earlier tells that the hub forwarded the call.
 */
final class DirectMethodDelivery implements Delivery {
  /**
   * How long past a direct method's connect + response timeouts the client waits for the transport's answer
   * before it completes the command as timed out itself; covers a transport that never answers.
   */
  static final Duration METHOD_GRACE = Duration.ofSeconds(30);

  private final DirectMethod strategy;
  private final Attempts a;

  DirectMethodDelivery(DirectMethod strategy, Attempts attempts) {
    this.strategy = strategy;
    this.a = attempts;
  }

  @Override
  public void check(Command command) {
    if (!command.isJson()) {
      throw new IllegalArgumentException("payload of command " + command.id() + " must be JSON ("
          + Command.JSON + ") to travel as a direct method, but was " + command.contentType());
    }
    if (!command.properties().isEmpty()) {
      throw new IllegalArgumentException("properties of command " + command.id() + " must be empty to travel as "
          + "a direct method (methods carry no properties), but were " + command.properties().keySet());
    }
    Validation.maxBytes("direct method payload of command " + command.id()
        + (strategy.sendCommandId() ? " (with its " + DirectMethod.COMMAND_ID_MEMBER + ")" : ""),
        CommandIds.checkedPayloadSize(command, strategy), DirectMethod.MAX_PAYLOAD_BYTES);
  }

  @Override
  public CompletableFuture<CommandOutcome> attempt(TrackedCommand t) {
    MethodInvocation invocation = invocation(t);
    CompletableFuture<CommandOutcome> result = new CompletableFuture<>();
    Duration guard = strategy.connectTimeout().plus(strategy.responseTimeout()).plus(METHOD_GRACE);
    TimeSource.Cancellable timer = a.time.schedule(guard, () -> result.complete(a.outcome(t, CommandStatus.TIMED_OUT,
        "the transport gave no answer within connect + response timeout + " + Validation.seconds(METHOD_GRACE))
        .build()));
    a.call("invokeMethod", () -> a.transport.invokeMethod(invocation)).whenComplete((response, error) -> {
      timer.cancel();
      result.complete(settle(t, response, error, "answered invokeMethod with null"));
    });
    return result;
  }

  /**
   * Runs the attempt on the calling thread through the transport's blocking call ({@code CommandClient.send}'s
   * path): no timer, since the transport bounds the call itself, and no thread hand-off.
   */
  CommandOutcome attemptBlocking(TrackedCommand t, BlockingMethodTransport transport) {
    MethodResponse response;
    try {
      response = transport.invokeMethodBlocking(invocation(t));
    } catch (RuntimeException e) {
      return settle(t, null, e, "");
    }
    return settle(t, response, null, "returned null from invokeMethodBlocking");
  }

  /** The call of one attempt, which it counts. */
  private MethodInvocation invocation(TrackedCommand t) {
    Command command = t.command();
    t.beginAttempt(Mechanism.DIRECT_METHOD);
    return MethodInvocation.builder().deviceId(t.deviceId()).methodName(command.wireName())
        .payloadJson(CommandIds.methodPayload(command, strategy)).connectTimeout(strategy.connectTimeout())
        .responseTimeout(strategy.responseTimeout()).build();
  }

  /** The outcome of what the transport answered: a reply, a failure, or (a transport bug) neither. */
  private CommandOutcome settle(TrackedCommand t, @Nullable MethodResponse response, @Nullable Throwable error,
      String whatNullMeans) {
    if (error == null && response == null) {
      return a.methodFailure(t, new IllegalStateException(
          "transport " + a.transport.getClass().getName() + " " + whatNullMeans));
    }
    if (error != null) {
      CommandOutcome failure = a.methodFailure(t, error);
      if (failure.status() == CommandStatus.TIMED_OUT) {
        a.tracker.markSent(t); // 504: the hub reached the device, which did not answer in time
      }
      return failure;
    }
    a.tracker.markSent(t);
    return a.outcome(t, response.isSuccess() ? CommandStatus.SUCCEEDED : CommandStatus.FAILED,
        "device answered with status " + response.status()).methodResponse(response).build();
  }
}
