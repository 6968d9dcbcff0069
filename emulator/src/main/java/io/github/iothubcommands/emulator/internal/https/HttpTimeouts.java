package io.github.iothubcommands.emulator.internal.https;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read and idle timeouts of one HTTPS connection. Idle (no request in flight): closed after the idle
 * timeout. From a request's first byte to its last: closed after the request timeout, however many bytes
 * trickle in meanwhile. From the last byte of a request to the last byte of its response (a direct method
 * waiting for its device): no timer. Two handlers share the state: {@link #bytes()} before the HTTP codec
 * sees a request begin, {@link #messages()} after it sees it end and its response written. One instance per
 * connection, on its event loop.
 */
final class HttpTimeouts {
  private static final Logger LOG = LoggerFactory.getLogger(HttpTimeouts.class);

  private enum State { IDLE, READING, ANSWERING }

  private final Duration requestTimeout;
  private final Duration idleTimeout;
  private State state = State.IDLE;
  private @Nullable ScheduledFuture<?> timer;

  HttpTimeouts(Duration requestTimeout, Duration idleTimeout) {
    this.requestTimeout = requestTimeout;
    this.idleTimeout = idleTimeout;
  }

  /** Before the codec: decrypted bytes arriving on an idle connection start a request's clock. */
  ChannelInboundHandlerAdapter bytes() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelActive(ChannelHandlerContext ctx) throws Exception {
        enter(ctx, State.IDLE);
        super.channelActive(ctx);
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (state == State.IDLE && msg instanceof ByteBuf b && b.isReadable()) {
          enter(ctx, State.READING);
        }
        super.channelRead(ctx, msg);
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
      }
    };
  }

  /** After the codec: a request's last part stops its clock; its response's last part starts the idle one. */
  ChannelDuplexHandler messages() {
    return new ChannelDuplexHandler() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof LastHttpContent) {
          enter(ctx, State.ANSWERING);
        }
        super.channelRead(ctx, msg);
      }

      @Override
      public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof LastHttpContent) {
          promise.addListener((ChannelFutureListener) f -> {
            if (f.isSuccess() && f.channel().isActive() && state == State.ANSWERING) {
              enter(ctx, State.IDLE);
            }
          });
        }
        super.write(ctx, msg, promise);
      }
    };
  }

  private void enter(ChannelHandlerContext ctx, State next) {
    cancel();
    state = next;
    @Nullable Duration d = switch (next) {
      case IDLE -> idleTimeout;
      case READING -> requestTimeout;
      case ANSWERING -> null;
    };
    if (d != null) {
      timer = ctx.executor().schedule(() -> {
        LOG.debug("Closing HTTPS connection from {}: {} past {}", ctx.channel().remoteAddress(),
            next == State.IDLE ? "idle" : "request not complete", d);
        ctx.channel().close();
      }, d.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
