package io.github.iothubcommands.emulator.internal.amqp;

import org.apache.qpid.proton.engine.Delivery;

/** Behaviour attached to one link as its context. Runs on the connection's event loop. */
interface Endpoint {

  /** A transfer arrived (receiver link), or the peer updated a delivery we sent (sender link). */
  default void onDelivery(Delivery delivery) {}

  /** The peer granted credit (sender link). */
  default void onFlow() {}

  /** The link is gone: detached or closed by either side, or the connection dropped. Called once. */
  default void onClosed() {}
}
