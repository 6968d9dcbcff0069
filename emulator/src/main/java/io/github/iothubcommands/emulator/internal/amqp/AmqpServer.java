package io.github.iothubcommands.emulator.internal.amqp;

import io.github.iothubcommands.emulator.internal.EmulatorContext;
import io.github.iothubcommands.emulator.internal.ProtocolServer;
import io.github.iothubcommands.testkit.engine.HubEngine;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The AMQPS server: TLS in a Netty {@link SslHandler}, then one {@link AmqpConnection} (a proton-j engine)
 * per channel, in front of a {@link HubEngine}. The Azure IoT SDKs always dial port 5671.
 * Started by the emulator as one of its front doors.
 */
public final class AmqpServer implements ProtocolServer {
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

  private final Channel serverChannel;
  private final ChannelGroup connections;
  private final FeedbackDispatcher feedback;

  private AmqpServer(Channel serverChannel, ChannelGroup connections, FeedbackDispatcher feedback) {
    this.serverChannel = serverChannel;
    this.connections = connections;
    this.feedback = feedback;
  }

  /**
   * Binds and starts the server on the context's address and AMQPS port, with the default {@link Settings}.
   *
   * @param context what the emulator's front doors share
   * @return the running server
   * @throws IllegalStateException if the address cannot be bound
   */
  public static AmqpServer start(EmulatorContext context) {
    return start(context, Settings.DEFAULTS);
  }

  /**
   * Binds and starts the server. While a service has a feedback link open, the server is one of the engine's
   * feedback receivers.
   *
   * @param context what the emulator's front doors share: engine, SAS verifier, TLS, event loops (not shut
   *     down by {@link #close()}), bind address and AMQPS port
   * @param settings connection settings
   * @return the running server
   * @throws IllegalStateException if the address cannot be bound
   */
  public static AmqpServer start(EmulatorContext context, Settings settings) {
    HubEngine engine = context.engine();
    CbsAuthority authority = new CbsAuthority(context.verifier());
    InetSocketAddress bind = new InetSocketAddress(context.bindAddress(), context.amqpPort());
    FeedbackDispatcher feedback = new FeedbackDispatcher(engine);
    ChannelGroup connections = new DefaultChannelGroup("amqp", GlobalEventExecutor.INSTANCE);
    ServerBootstrap b = new ServerBootstrap()
        .group(context.bossGroup(), context.workerGroup())
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            connections.add(ch);
            ch.pipeline().addLast("tls", context.serverSsl().newHandler(ch.alloc()));
            ch.pipeline().addLast("amqp", new AmqpConnection(ch, engine, authority, feedback, settings));
          }
        });
    try {
      Channel channel = b.bind(bind).syncUninterruptibly().channel();
      return new AmqpServer(channel, connections, feedback);
    } catch (RuntimeException e) { // Netty rethrows the checked BindException
      feedback.close();
      throw new IllegalStateException("cannot listen for AMQPS on " + bind + ": " + e, e);
    }
  }

  @Override
  public String name() {
    return "AMQPS";
  }

  @Override
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /** Stops listening, drops every connection and stops receiving feedback from the engine. */
  @Override
  public void close() {
    serverChannel.close().syncUninterruptibly();
    connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    feedback.close();
  }
}
