package io.github.iothubcommands.emulator.internal;

import java.net.InetSocketAddress;

/**
 * One listening front door (MQTT, AMQPS, HTTPS). Started by a {@link ProtocolServer.Factory} from the
 * shared {@link EmulatorContext}; closed by the emulator in reverse start order.
 */
public interface ProtocolServer extends AutoCloseable {

  /**
   * Returns a short name for logs and errors, e.g. {@code MQTT}.
   *
   * @return the name
   */
  String name();

  /**
   * Returns the bound address (the real port when 0 was asked for).
   *
   * @return the address
   */
  InetSocketAddress localAddress();

  /**
   * Tells whether the server is bound and accepting connections.
   *
   * @return true while listening
   */
  boolean serving();

  /** Stops listening and closes the open connections. */
  @Override
  void close();

  /** Starts a server. */
  @FunctionalInterface
  interface Factory {
    /**
     * Binds and starts the server.
     *
     * @param context what every front door shares
     * @return the running server
     * @throws InterruptedException if interrupted while binding
     */
    ProtocolServer start(EmulatorContext context) throws InterruptedException;
  }
}
