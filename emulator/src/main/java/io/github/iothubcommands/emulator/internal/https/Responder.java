package io.github.iothubcommands.emulator.internal.https;

import io.github.iothubcommands.HubError;
import io.github.iothubcommands.HubException;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import org.jspecify.annotations.Nullable;

/**
 * Writes one response, with IoT Hub's error body for a refusal; safe from any thread. Without keep-alive the
 * connection closes once the response is written.
 */
final class Responder {
  private final ChannelHandlerContext ctx;
  private final boolean keepAlive;

  Responder(ChannelHandlerContext ctx, boolean keepAlive) {
    this.ctx = ctx;
    this.keepAlive = keepAlive;
  }

  void error(HubError e, String message) {
    error(e.httpStatus() == 0 ? 500 : e.httpStatus(), e.errorCode() == 0 ? 500001 : e.errorCode(), message);
  }

  /** The hub's answer to a refusal: its status, and its own error code (429002 as well as 429001). */
  void error(HubException e) {
    error(e.httpStatus() == 0 ? 500 : e.httpStatus(), e.errorCode() == 0 ? 500001 : e.errorCode(), e.getMessage());
  }

  void error(int status, int errorCode, String message) {
    send(status, HubJson.error(errorCode, message));
  }

  void send(int status, byte @Nullable [] body) {
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
        body == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
    if (body != null) {
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
    }
    HttpUtil.setContentLength(res, body == null ? 0 : body.length);
    HttpUtil.setKeepAlive(res, keepAlive);
    ChannelFuture written = ctx.writeAndFlush(res);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }
}
