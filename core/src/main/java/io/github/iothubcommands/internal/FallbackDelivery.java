package io.github.iothubcommands.internal;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandEvent;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.CommandStatus;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link io.github.iothubcommands.Fallback}: the direct method (with its retries), and only if it ends
 * {@code DEVICE_OFFLINE}, a {@code FALLBACK_TAKEN} event and the cloud-to-device message (with its retries),
 * same tracked command, same id.
 */
final class FallbackDelivery implements Delivery {
  private final Delivery method;
  private final Delivery message;
  private final Attempts a;

  FallbackDelivery(Delivery method, Delivery message, Attempts attempts) {
    this.method = method;
    this.message = message;
    this.a = attempts;
  }

  /** The command must fit both ways, since which one carries it is known only at run time. */
  @Override
  public void check(Command command) {
    method.check(command);
    message.check(command);
  }

  @Override
  public CompletableFuture<CommandOutcome> attempt(TrackedCommand t) {
    return a.run(method, t).thenCompose(outcome -> {
      if (outcome.status() != CommandStatus.DEVICE_OFFLINE || t.isDone()) {
        return CompletableFuture.completedFuture(outcome);
      }
      t.announce(CommandEvent.Kind.FALLBACK_TAKEN, a.time.now(), outcome, null);
      return a.run(message, t);
    });
  }
}
