package io.github.iothubcommands.internal;

import io.github.iothubcommands.CloudToDevice;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.DirectMethod;
import io.github.iothubcommands.Fallback;

/**
 * Turns a strategy into its {@link Delivery}, wrapped for retries when its policy retries; the visitor makes
 * the dispatch exhaustive at compile time.
 */
final class Deliveries implements DeliveryStrategy.Visitor<Delivery> {
  private final Attempts attempts;

  Deliveries(Attempts attempts) {
    this.attempts = attempts;
  }

  @Override
  public Delivery visitCloudToDevice(CloudToDevice strategy) {
    return RetryingDelivery.of(new CloudToDeviceDelivery(strategy, attempts), strategy.retryPolicy(), attempts);
  }

  @Override
  public Delivery visitDirectMethod(DirectMethod strategy) {
    return RetryingDelivery.of(new DirectMethodDelivery(strategy, attempts), strategy.retryPolicy(), attempts);
  }

  @Override
  public Delivery visitFallback(Fallback strategy) {
    return new FallbackDelivery(visitDirectMethod(strategy.directMethod()),
        visitCloudToDevice(strategy.cloudToDevice()), attempts);
  }
}
