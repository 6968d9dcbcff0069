package io.github.iothubcommands.emulator.internal.amqp;

import io.github.iothubcommands.testkit.engine.HubEngine;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * The AMQPS server: TLS in a Netty {@link SslHandler}, then one {@link AmqpConnection} (a proton-j engine)
 * per channel, in front of a {@link HubEngine}. The Azure IoT SDKs always dial port {@value #DEFAULT_PORT}.
 */
public final class AmqpServer implements AutoCloseable {
  /** The port the Azure IoT SDKs dial for AMQPS. */
  public static final int DEFAULT_PORT = 5671;

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

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel serverChannel;
  private final FeedbackDispatcher feedback;

  private AmqpServer(EventLoopGroup boss, EventLoopGroup workers, Channel serverChannel,
      FeedbackDispatcher feedback) {
    this.boss = boss;
    this.workers = workers;
    this.serverChannel = serverChannel;
    this.feedback = feedback;
  }

  /**
   * Binds and starts the server. It becomes the engine's feedback receiver at once, so batches emitted while
   * no service is connected wait for the first feedback link.
   *
   * @param engine the hub
   * @param tls the server's TLS context (no client certificate is asked for)
   * @param authority checks the SAS tokens of put-token requests
   * @param bind where to listen, usually {@code 127.0.0.1:5671}
   * @param settings connection settings
   * @return the running server
   * @throws IllegalStateException if the address cannot be bound
   */
  public static AmqpServer start(HubEngine engine, SSLContext tls, Function<String, CbsGrant> authority,
      InetSocketAddress bind, Settings settings) {
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(
        Math.max(1, Runtime.getRuntime().availableProcessors()), NioIoHandler.newFactory());
    FeedbackDispatcher feedback = FeedbackDispatcher.subscribe(engine);
    ServerBootstrap b = new ServerBootstrap()
        .group(boss, workers)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            SSLEngine ssl = tls.createSSLEngine();
            ssl.setUseClientMode(false);
            ssl.setNeedClientAuth(false);
            ssl.setWantClientAuth(false);
            ch.pipeline().addLast("tls", new SslHandler(ssl));
            ch.pipeline().addLast("amqp", new AmqpConnection(ch, engine, authority, feedback, settings));
          }
        });
    try {
      Channel channel = b.bind(bind).syncUninterruptibly().channel();
      return new AmqpServer(boss, workers, channel, feedback);
    } catch (RuntimeException e) {
      feedback.close();
      boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw new IllegalStateException("cannot listen for AMQPS on " + bind + ": " + e, e);
    }
  }

  /**
   * Returns where the server listens.
   *
   * @return the bound address
   */
  public InetSocketAddress address() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /** Stops listening, drops every connection and stops receiving feedback from the engine. */
  @Override
  public void close() {
    serverChannel.close().syncUninterruptibly();
    feedback.close();
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
