package io.github.iothubcommands.emulator.internal.amqp;

import io.github.iothubcommands.emulator.internal.EmulatorContext;
import io.github.iothubcommands.emulator.internal.NettyServer;
import io.github.iothubcommands.emulator.internal.ProtocolServer;
import io.github.iothubcommands.testkit.engine.HubEngine;
import io.netty.handler.ssl.SslHandler;
import java.time.Duration;
import java.util.Objects;

/**
 * The AMQPS server: TLS in a Netty {@link SslHandler}, then one {@link AmqpConnection} (a proton-j engine)
 * per channel, in front of a {@link HubEngine}. The Azure IoT SDKs always dial port 5671.
 * Started by the emulator as one of its front doors.
 */
public final class AmqpServer {
  /**
   * Connection settings.
   *
   * @param containerId the container id sent in Open
   * @param idleTimeout our idle timeout: proton-j advertises half of it and drops a peer silent for all of it;
   *     keep it long, the service SDK runs user callbacks on its Reactor thread
   * @param wakeupPeriod period of the empty frames sent to connections with a feedback link, so that the
   *     service SDK notices {@code stop()} at once instead of after up to 3.1 s; zero for none
   */
  public record Settings(String containerId, Duration idleTimeout, Duration wakeupPeriod) {
    /** The settings the emulator uses. */
    public static final Settings DEFAULTS =
        new Settings("iothub-commands-emulator", Duration.ofMinutes(4), Duration.ofMillis(200));

    /** Checks the values. */
    public Settings {
      Objects.requireNonNull(containerId, "containerId");
      if (idleTimeout.isNegative() || idleTimeout.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("idleTimeout must be between 0 and " + Integer.MAX_VALUE
            + " ms, but was " + idleTimeout);
      }
      if (wakeupPeriod.isNegative()) {
        throw new IllegalArgumentException("wakeupPeriod must not be negative, but was " + wakeupPeriod);
      }
    }
  }

  private AmqpServer() {}

  /**
   * Binds and starts the server on the context's address and AMQPS port, with the default {@link Settings}.
   *
   * @param context what the emulator's front doors share
   * @return the running server
   * @throws InterruptedException if interrupted while binding
   */
  public static ProtocolServer start(EmulatorContext context) throws InterruptedException {
    return start(context, Settings.DEFAULTS);
  }

  /**
   * Binds and starts the server. While a service has a feedback link open, the server is one of the engine's
   * feedback receivers; closing the server stops that.
   *
   * @param context what the emulator's front doors share: engine, SAS verifier, TLS, event loops (not shut
   *     down by closing the server), bind address and AMQPS port
   * @param settings connection settings
   * @return the running server
   * @throws InterruptedException if interrupted while binding
   */
  public static ProtocolServer start(EmulatorContext context, Settings settings) throws InterruptedException {
    HubEngine engine = context.engine();
    CbsAuthority authority = new CbsAuthority(context.verifier());
    // Subscribes to the engine only while a feedback link is attached: nothing to release if binding fails.
    FeedbackDispatcher feedback = new FeedbackDispatcher(engine);
    return NettyServer.bind(context, "AMQPS", context.amqpPort(), ch -> ch.pipeline()
        .addLast("tls", context.serverSsl().newHandler(ch.alloc()))
        .addLast("amqp", new AmqpConnection(ch, engine, authority, feedback, settings)),
        feedback::close);
  }
}
