package io.github.iothubcommands.emulator.internal.https;

import io.github.iothubcommands.emulator.internal.auth.SasVerifier;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides on a request from its head, before any of its body is held: a request the codec could not decode
 * is a 400 (431 for headers past the limit, 414 for a request line past it); one without a valid service
 * token a 401; one whose declared body is past the limit a 413. Each of these closes the connection and
 * its body is dropped as it arrives. What passes goes on to the aggregator. One instance per connection.
 */
final class RequestGate extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(RequestGate.class);

  private final SasVerifier verifier;
  private final int maxBodyBytes;
  /** Dropping the rest of a refused request until the connection closes. */
  private boolean refused;

  RequestGate(SasVerifier verifier, int maxBodyBytes) {
    this.verifier = verifier;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (refused) {
      ReferenceCountUtil.release(msg);
      return;
    }
    DecoderResult decoded = msg instanceof DecoderResultProvider p ? p.decoderResult() : DecoderResult.SUCCESS;
    if (decoded.isFailure()) {
      ReferenceCountUtil.release(msg);
      LOG.debug("Undecodable HTTPS request from {}: {}", ctx.channel().remoteAddress(), decoded.cause().toString());
      refuseUndecodable(ctx, decoded.cause());
      return;
    }
    if (msg instanceof HttpRequest req) {
      SasVerifier.Result auth = verifier.checkService(req.headers().get(HttpHeaderNames.AUTHORIZATION));
      if (!auth.ok()) {
        String uri = req.uri();
        LOG.info("401 for {} {}: {}", req.method(), uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri,
            auth.reason());
        refuse(ctx, msg, 401, 401002, "IotHubUnauthorizedAccess: " + auth.reason());
        return;
      }
      long declared = HttpUtil.getContentLength(req, -1L);
      if (declared > maxBodyBytes) {
        refuse(ctx, msg, 413, 413002, "the request body is " + declared + " bytes; the limit is " + maxBodyBytes);
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }

  private void refuseUndecodable(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof TooLongHttpHeaderException) {
      refuse(ctx, null, 431, 431000, "the request's headers are larger than the limit");
    } else if (cause instanceof TooLongHttpLineException) {
      refuse(ctx, null, 414, 414000, "the request line is longer than the limit");
    } else if (cause instanceof TooLongFrameException) {
      refuse(ctx, null, 400, 400000, "a part of the request is larger than the limit");
    } else {
      refuse(ctx, null, 400, 400000, "the request is not well-formed HTTP/1.1");
    }
  }

  private void refuse(ChannelHandlerContext ctx, @Nullable Object msg, int status, int errorCode, String message) {
    refused = true;
    if (msg != null) {
      ReferenceCountUtil.release(msg);
    }
    new Responder(ctx, false).error(status, errorCode, message);
  }
}
