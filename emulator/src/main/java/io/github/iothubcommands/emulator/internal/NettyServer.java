package io.github.iothubcommands.emulator.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A Netty TCP server on the shared event loops (address reuse, no Nagle delay); closing it also closes every
 * connection it accepted.
 */
public final class NettyServer implements ProtocolServer {
  private final String name;
  private final Channel channel;
  private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final Runnable afterClose;

  private NettyServer(EmulatorContext c, String name, int port, Consumer<SocketChannel> pipeline,
      Runnable afterClose) throws InterruptedException {
    this.name = name;
    this.afterClose = afterClose;
    ServerBootstrap b = new ServerBootstrap()
        .group(c.bossGroup(), c.workerGroup())
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true) // the SDKs' fixed ports are bound again right after a close
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            children.add(ch);
            pipeline.accept(ch);
          }
        });
    this.channel = b.bind(new InetSocketAddress(c.bindAddress(), port)).sync().channel();
  }

  /**
   * Binds a server.
   *
   * @param context the shared context (event loops, bind address)
   * @param name the front door's name
   * @param port the port (0: any)
   * @param pipeline sets up each accepted connection's pipeline
   * @return the running server
   * @throws InterruptedException if interrupted while binding
   */
  public static ProtocolServer bind(EmulatorContext context, String name, int port, Consumer<SocketChannel> pipeline)
      throws InterruptedException {
    return bind(context, name, port, pipeline, () -> { });
  }

  /**
   * Binds a server that releases something of its own once it and its connections have closed.
   *
   * @param context the shared context (event loops, bind address)
   * @param name the front door's name
   * @param port the port (0: any)
   * @param pipeline sets up each accepted connection's pipeline
   * @param afterClose run by {@link #close()} last
   * @return the running server
   * @throws InterruptedException if interrupted while binding
   */
  public static ProtocolServer bind(EmulatorContext context, String name, int port, Consumer<SocketChannel> pipeline,
      Runnable afterClose) throws InterruptedException {
    return new NettyServer(context, name, port, pipeline, afterClose);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public boolean serving() {
    return channel.isActive();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    children.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    afterClose.run();
  }
}
