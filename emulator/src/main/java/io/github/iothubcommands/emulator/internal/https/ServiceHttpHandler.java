package io.github.iothubcommands.emulator.internal.https;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.iothubcommands.HubError;
import io.github.iothubcommands.HubException;
import io.github.iothubcommands.WireName;
import io.github.iothubcommands.emulator.internal.DeviceRegistry;
import io.github.iothubcommands.spi.MethodInvocation;
import io.github.iothubcommands.engine.DeviceInfo;
import io.github.iothubcommands.engine.HubEngine;
import io.github.iothubcommands.engine.HubLimits;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the service API: {@code POST /twins/{id}/methods} and {@code /devices/{id}} (GET, PUT, DELETE),
 * for requests the {@link RequestGate} let through (decoded, authorized, within the size limit).
 * A direct method completes from the engine's future, so no thread waits while the hub waits for the
 * device. Stateless and shared by every connection.
 */
@ChannelHandler.Sharable
final class ServiceHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceHttpHandler.class);
  /** The hub's defaults when the body leaves a timeout out. */
  private static final int DEFAULT_RESPONSE_TIMEOUT_SECONDS = 30;

  private final HubEngine engine;
  private final DeviceRegistry registry;

  ServiceHttpHandler(HubEngine engine, DeviceRegistry registry) {
    this.engine = engine;
    this.registry = registry;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    Responder out = new Responder(ctx, HttpUtil.isKeepAlive(req));
    try {
      handle(out, req);
    } catch (HubException e) {
      out.error(e);
    } catch (IllegalArgumentException e) { // a malformed path, method override or body
      out.error(400, 400004, e.getMessage());
    } catch (RuntimeException e) {
      String uri = req.uri();
      LOG.warn("HTTPS {} {} failed", req.method(), uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri, e);
      out.error(HubError.SERVER_ERROR, "internal error");
    }
  }

  private void handle(Responder out, FullHttpRequest req) {
    QueryStringDecoder uri = new QueryStringDecoder(req.uri());
    String path = uri.rawPath();
    String[] seg = PathSegments.split(path);
    HttpMethod method = req.method();
    String override = req.headers().get("X-HTTP-Method-Override"); // the SDK sends PATCH as POST + this
    if (override != null) {
      method = HttpMethod.valueOf(override.toUpperCase(Locale.ROOT));
    }
    List<String> apiVersion = uri.parameters().get("api-version");
    if (apiVersion == null || apiVersion.isEmpty()) {
      out.error(400, 400001, "the query parameter api-version is required");
      return;
    }
    byte[] body = ByteBufUtil.getBytes(req.content());
    route(out, method, seg, body, unquote(req.headers().get(HttpHeaderNames.IF_MATCH)));
  }

  private void route(Responder out, HttpMethod method, String[] seg, byte[] body, @Nullable String ifMatch) {
    if (seg.length == 3 && seg[0].equals("twins") && seg[2].equals("methods")) {
      if (!method.equals(HttpMethod.POST)) {
        out.error(405, 405000, "direct methods take POST, not " + method);
      } else {
        invokeMethod(out, seg[1], body);
      }
    } else if (seg.length == 5 && seg[0].equals("twins") && seg[2].equals("modules") && seg[4].equals("methods")) {
      out.error(404, 404010, "module " + seg[3] + " of device " + seg[1]
          + " not found: the emulator does not emulate module identities");
    } else if (seg.length == 2 && seg[0].equals("devices")) {
      String id = seg[1];
      if (method.equals(HttpMethod.GET)) {
        Optional<DeviceInfo> d = registry.get(id);
        if (d.isEmpty()) {
          out.error(404, 404001, "Device " + id + " is not registered");
        } else {
          out.send(200, HubJson.device(d.get()));
        }
      } else if (method.equals(HttpMethod.PUT)) {
        putDevice(out, id, body, ifMatch);
      } else if (method.equals(HttpMethod.DELETE)) {
        registry.delete(id, ifMatch);
        out.send(204, null);
      } else {
        out.error(405, 405000, "/devices/{id} takes GET, PUT or DELETE, not " + method);
      }
    } else {
      out.error(404, 404000, "the emulator does not serve " + method + " /" + String.join("/", seg)
          + " (it serves direct methods and the device registry; see docs/emulator.md)");
    }
  }

  private void invokeMethod(Responder out, String deviceId, byte[] body) {
    JsonNode o = HubJson.parse(body);
    if (!o.isObject()) {
      throw new IllegalArgumentException("the body must be a JSON object, but was " + HubJson.kind(o));
    }
    JsonNode nameNode = o.path("methodName");
    if (!nameNode.isTextual()) {
      throw new IllegalArgumentException(nameNode.isMissingNode() || nameNode.isNull() ? "methodName is required"
          : "methodName must be a JSON string, but was " + HubJson.kind(nameNode));
    }
    String name = WireName.parse(nameNode.textValue()).toString(); // core's rule: no topic characters, ≤ 128
    HubLimits limits = engine.limits();
    Duration response = seconds(o, "responseTimeoutInSeconds", Duration.ofSeconds(DEFAULT_RESPONSE_TIMEOUT_SECONDS),
        limits.minResponseTimeout(), limits.maxResponseTimeout());
    Duration connect = seconds(o, "connectTimeoutInSeconds", Duration.ZERO, Duration.ZERO, limits.maxConnectTimeout());
    JsonNode payload = o.get("payload");
    String payloadJson = payload == null ? "null" : payload.toString();
    engine.invoke(MethodInvocation.builder().deviceId(deviceId).methodName(name).payloadJson(payloadJson)
        .connectTimeout(connect).responseTimeout(response).build())
        .whenComplete((r, err) -> {
          // Runs on whichever thread completed the call: an exception here would reach no one, and the
          // caller would wait for an answer that never comes.
          try {
            if (err == null) {
              out.send(200, HubJson.methodResult(r.status(), r.payloadJson()));
              return;
            }
            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            if (cause instanceof HubException e) {
              out.error(e); // THROTTLED: 429 with errorCode 429001, which the SDK throws as TooManyRequests
            } else {
              LOG.warn("Direct method {} on {} failed", name, deviceId, cause);
              out.error(HubError.SERVER_ERROR, "internal error");
            }
          } catch (RuntimeException e) {
            LOG.warn("Answering direct method {} on {} failed", name, deviceId, e);
            out.error(HubError.SERVER_ERROR, "internal error");
          }
        });
  }

  /**
   * A timeout field: absent or null gives the default; otherwise a JSON integer, passed on as it is for the
   * engine to check against the hub's range (one rule, {@link HubLimits}). A fraction, a string or an integer
   * past a {@code long} is refused here, never coerced; {@code min} and {@code max} only word the message.
   */
  private static Duration seconds(JsonNode o, String field, Duration absent, Duration min, Duration max) {
    JsonNode v = o.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return absent;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new IllegalArgumentException(field + " must be a whole number of seconds between " + min.toSeconds()
          + " and " + max.toSeconds() + ", but was " + HubJson.shorten(v.toString()));
    }
    return Duration.ofSeconds(v.longValue());
  }

  private void putDevice(Responder out, String deviceId, byte[] body, @Nullable String ifMatch) {
    JsonNode o = HubJson.parse(body);
    String bodyId = text(o, "deviceId");
    if (bodyId != null && !bodyId.equals(deviceId)) {
      throw new IllegalArgumentException("deviceId in the body must match the URL's " + deviceId
          + ", but was " + bodyId);
    }
    JsonNode sym = o.path("authentication").path("symmetricKey");
    String primary = text(sym, "primaryKey");
    String secondary = text(sym, "secondaryKey");
    String status = text(o, "status");
    Boolean enabled = status == null ? null : status.equalsIgnoreCase("enabled"); // SDK: enum name "Enabled"
    DeviceInfo d = ifMatch == null
        ? registry.create(deviceId, primary, secondary, enabled == null || enabled)
        : registry.update(deviceId, primary, secondary, enabled, ifMatch);
    out.send(200, HubJson.device(d));
  }

  private static @Nullable String text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
  }

  private static @Nullable String unquote(@Nullable String etag) {
    if (etag == null) {
      return null;
    }
    String t = etag.trim();
    return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("HTTPS connection failed: {}", cause.toString());
    ctx.close();
  }
}
