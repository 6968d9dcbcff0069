package io.github.iothubcommands.internal;

import io.github.iothubcommands.CloudToDevice;
import io.github.iothubcommands.DeliveryStrategy;
import io.github.iothubcommands.DirectMethod;

/** Turns a strategy into its {@link Delivery}; the visitor makes the dispatch exhaustive at compile time. */
final class Deliveries implements DeliveryStrategy.Visitor<Delivery> {
  private final Attempts attempts;

  Deliveries(Attempts attempts) {
    this.attempts = attempts;
  }

  @Override
  public Delivery visitCloudToDevice(CloudToDevice strategy) {
    return new CloudToDeviceDelivery(strategy, attempts);
  }

  @Override
  public Delivery visitDirectMethod(DirectMethod strategy) {
    return new DirectMethodDelivery(strategy, attempts);
  }
}
