package io.github.iothubcommands.emulator.internal.https;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.iothubcommands.emulator.internal.FrontDoors;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * {@code GET /health}, answered before authorization (it carries no secret): 200 when every front door is
 * bound and serving, 503 otherwise, with each door's port and state as JSON, and whether the engine runs on a
 * virtual clock ({@code "virtualTime"}). Any other request goes on
 * to the {@link RequestGate}. The codec ends every request with a {@link LastHttpContent}: the answer goes
 * out then, so a pipelined request after it is answered in order. One instance per connection.
 */
final class HealthEndpoint extends ChannelInboundHandlerAdapter {
  private final FrontDoors doors;
  private final boolean virtualTime;
  /** Between a health request's head and its last part: its parts are dropped, then it is answered. */
  private boolean answering;
  private boolean keepAlive;

  HealthEndpoint(FrontDoors doors, boolean virtualTime) {
    this.doors = doors;
    this.virtualTime = virtualTime;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest req && isHealth(req)) {
      answering = true;
      keepAlive = HttpUtil.isKeepAlive(req);
    }
    if (!answering) {
      ctx.fireChannelRead(msg);
      return;
    }
    ReferenceCountUtil.release(msg);
    if (msg instanceof LastHttpContent) {
      answering = false;
      answer(ctx);
    }
  }

  private static boolean isHealth(HttpRequest req) {
    if (!HttpMethod.GET.equals(req.method()) || req.decoderResult().isFailure()) {
      return false;
    }
    String uri = req.uri();
    int query = uri.indexOf('?');
    return (query < 0 ? uri : uri.substring(0, query)).equals(HttpsServiceServer.HEALTH_PATH);
  }

  private void answer(ChannelHandlerContext ctx) {
    boolean healthy = doors.allServing();
    ObjectNode body = JsonNodeFactory.instance.objectNode().put("status", healthy ? "serving" : "not serving");
    ObjectNode each = body.putObject("frontDoors");
    for (FrontDoors.Door d : doors.doors()) {
      each.putObject(d.name()).put("port", d.port()).put("state", d.state().name().toLowerCase(Locale.ROOT));
    }
    body.put("virtualTime", virtualTime);
    byte[] json = body.toString().getBytes(StandardCharsets.UTF_8);
    new Responder(ctx, keepAlive && healthy).send(healthy ? 200 : 503, json);
  }
}
