package io.github.iothubcommands.emulator.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection that has not opened its protocol within a fixed time from its accept, however many
 * bytes it trickles meanwhile (an idle timer would restart on each). First in the pipeline; the protocol
 * handler calls {@link #opened} when the peer's AMQP Open or MQTT CONNECT arrives, which removes it.
 */
public final class OpenDeadline extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(OpenDeadline.class);
  /** The handler's name in the pipeline. */
  public static final String NAME = "openDeadline";

  private final Duration timeout;
  private final String protocol;
  private @Nullable ScheduledFuture<?> timer;

  /**
   * Creates the handler for one connection.
   *
   * @param timeout how long the peer has
   * @param protocol what it must do in that time, for the log line
   */
  public OpenDeadline(Duration timeout, String protocol) {
    this.timeout = timeout;
    this.protocol = protocol;
  }

  /**
   * The protocol opened: the deadline no longer applies. Idempotent.
   *
   * @param pipeline the connection's pipeline
   */
  public static void opened(ChannelPipeline pipeline) {
    if (pipeline.get(NAME) != null) {
      pipeline.remove(NAME);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    timer = ctx.executor().schedule(() -> {
      LOG.debug("Closing {}: no {} within {}", ctx.channel().remoteAddress(), protocol, timeout);
      ctx.close();
    }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    super.channelActive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel();
    super.channelInactive(ctx);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
