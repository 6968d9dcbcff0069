package io.github.iothubcommands.emulator.internal.https;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.iothubcommands.HubError;
import io.github.iothubcommands.HubException;
import io.github.iothubcommands.emulator.internal.AdminOperations;
import io.github.iothubcommands.engine.DeviceInfo;
import io.github.iothubcommands.engine.HubCounts;
import io.github.iothubcommands.engine.HubFaults;
import io.github.iothubcommands.engine.HubOperation;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin routes under {@value #PREFIX} (see docs/emulator.md, "Admin surface"), for requests the {@link
 * RequestGate} authorized with the service policy; every other request passes on to the service API.
 * Answers are JSON; refusals carry IoT Hub's error body (400 bad input, 404 unknown device or route, 405,
 * 409 advancing a wall clock). Stateless and shared by every connection; it never blocks its event loop.
 */
@ChannelHandler.Sharable
final class AdminHttpHandler extends ChannelInboundHandlerAdapter {
  /** Where the admin routes live. */
  static final String PREFIX = "/admin";
  private static final Logger LOG = LoggerFactory.getLogger(AdminHttpHandler.class);
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  /** How long a disconnect may take before the answer is an error. */
  private static final long DISCONNECT_TIMEOUT_SECONDS = AdminOperations.DISCONNECT_TIMEOUT.toSeconds();
  private static final Map<String, HubOperation> OPERATIONS = Map.of(
      "cloudToDeviceSend", HubOperation.CLOUD_TO_DEVICE_SEND, "directMethod", HubOperation.DIRECT_METHOD);

  private final AdminOperations admin;

  AdminHttpHandler(AdminOperations admin) {
    this.admin = admin;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest req) || !isAdmin(req.uri())) {
      ctx.fireChannelRead(msg);
      return;
    }
    Responder out = new Responder(ctx, HttpUtil.isKeepAlive(req));
    try {
      route(out, req.method(), PathSegments.split(new QueryStringDecoder(req.uri()).rawPath()),
          ByteBufUtil.getBytes(req.content()));
    } catch (Refusal e) {
      out.error(e.status, e.errorCode, e.getMessage());
    } catch (HubException e) {
      out.error(e);
    } catch (IllegalArgumentException e) {
      out.error(400, 400004, e.getMessage());
    } catch (IllegalStateException e) {
      out.error(409, 409000, e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("HTTPS {} {} failed", req.method(), new QueryStringDecoder(req.uri()).rawPath(), e);
      out.error(HubError.SERVER_ERROR, "internal error");
    } finally {
      ReferenceCountUtil.release(req);
    }
  }

  private static boolean isAdmin(String uri) {
    return uri.equals(PREFIX) || uri.startsWith(PREFIX + "/") || uri.startsWith(PREFIX + "?");
  }

  private void route(Responder out, HttpMethod method, String[] seg, byte[] body) {
    String route = String.join("/", seg);
    if (seg.length == 2 && seg[1].equals("stats")) {
      only(method, HttpMethod.GET, route);
      out.send(200, bytes(stats()));
    } else if (seg.length == 2 && seg[1].equals("clock")) {
      only(method, HttpMethod.GET, route);
      out.send(200, bytes(clock(admin.now())));
    } else if (seg.length == 3 && seg[1].equals("clock") && seg[2].equals("advance")) {
      only(method, HttpMethod.POST, route);
      JsonNode o = object(body);
      long seconds = integer(o, "seconds", 0, AdminOperations.MAX_CLOCK_ADVANCE.toSeconds());
      advance(out, Duration.ofSeconds(seconds));
    } else if (seg.length == 4 && seg[1].equals("devices") && seg[3].equals("messages")) {
      only(method, HttpMethod.DELETE, route);
      int purged = admin.purge(seg[2]);
      out.send(200, bytes(JSON.objectNode().put("deviceId", seg[2]).put("totalMessagesPurged", purged)));
    } else if (seg.length == 4 && seg[1].equals("devices") && seg[3].equals("disconnect")) {
      only(method, HttpMethod.POST, route);
      disconnect(out, seg[2]);
    } else if (seg.length == 2 && seg[1].equals("faults")) {
      if (method.equals(HttpMethod.GET)) {
        out.send(200, bytes(faults(admin.faults())));
      } else if (method.equals(HttpMethod.DELETE)) {
        admin.clearFaults();
        out.send(204, null);
      } else {
        throw notAllowed(method, route, "GET or DELETE");
      }
    } else if (seg.length == 3 && seg[1].equals("faults") && seg[2].equals("throttle")) {
      only(method, HttpMethod.POST, route);
      throttle(object(body));
      out.send(200, bytes(faults(admin.faults())));
    } else if (seg.length == 3 && seg[1].equals("faults") && seg[2].equals("drop-feedback")) {
      only(method, HttpMethod.POST, route);
      admin.dropNextFeedback((int) integer(object(body), "count", 1, AdminOperations.MAX_FAULT_COUNT));
      out.send(200, bytes(faults(admin.faults())));
    } else {
      throw new Refusal(404, 404000, "the emulator has no admin route " + method + " /" + route
          + " (see docs/emulator.md, \"Admin surface\")");
    }
  }

  /**
   * Advancing a virtual clock runs every engine task that falls due (expiries, feedback, method timeouts) on
   * the emulator's clock thread, so this connection's event loop, and every other connection on it, goes on
   * serving meanwhile. A wall clock is refused at once (409).
   */
  private void advance(Responder out, Duration by) {
    admin.advanceAsync(by).whenComplete((now, err) -> {
      if (err == null) {
        out.send(200, bytes(clock(now)));
      } else {
        LOG.warn("Advancing the clock by {} failed", by, err);
        out.error(HubError.SERVER_ERROR, "internal error");
      }
    });
  }

  private void disconnect(Responder out, String deviceId) {
    admin.disconnect(deviceId).whenComplete((n, err) -> {
      if (err == null) {
        out.send(200, bytes(JSON.objectNode().put("deviceId", deviceId).put("connectionsClosed", n)));
      } else {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        LOG.warn("Disconnecting device {} failed", deviceId, cause);
        out.error(HubError.SERVER_ERROR, cause instanceof TimeoutException
            ? "the device's connections did not close within " + DISCONNECT_TIMEOUT_SECONDS + " s" : "internal error");
      }
    });
  }

  private void throttle(JsonNode o) {
    JsonNode op = o.path("operation");
    HubOperation operation = op.isTextual() ? OPERATIONS.get(op.textValue()) : null;
    if (operation == null) {
      throw new IllegalArgumentException("operation must be \"cloudToDeviceSend\" or \"directMethod\", but was "
          + (op.isMissingNode() ? "missing" : HubJson.shorten(op.toString())));
    }
    boolean byCount = o.has("count");
    if (byCount == o.has("seconds")) {
      throw new IllegalArgumentException("a throttle takes exactly one of count (the next n calls) or seconds"
          + " (every call for that long), but had " + (byCount ? "both" : "neither"));
    }
    if (byCount) {
      admin.throttleNext(operation, (int) integer(o, "count", 1, AdminOperations.MAX_FAULT_COUNT));
    } else {
      admin.throttleFor(operation, Duration.ofSeconds(
          integer(o, "seconds", 1, AdminOperations.MAX_THROTTLE_DURATION.toSeconds())));
    }
  }

  private static void only(HttpMethod method, HttpMethod allowed, String route) {
    if (!method.equals(allowed)) {
      throw notAllowed(method, route, allowed.name());
    }
  }

  private static Refusal notAllowed(HttpMethod method, String route, String allowed) {
    return new Refusal(405, 405000, "/" + route + " takes " + allowed + ", not " + method);
  }

  /** A refusal with its status and the hub's error code. */
  private static final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final int errorCode;

    Refusal(int status, int errorCode, String message) {
      super(message, null, false, false);
      this.status = status;
      this.errorCode = errorCode;
    }
  }

  private static JsonNode object(byte[] body) {
    if (body.length == 0) {
      throw new IllegalArgumentException("the body must be a JSON object, but was empty");
    }
    JsonNode o = HubJson.parse(body);
    if (!o.isObject()) {
      throw new IllegalArgumentException("the body must be a JSON object, but was " + HubJson.kind(o));
    }
    return o;
  }

  /** A whole number between {@code min} and {@code max}; a fraction, a string or one out of range is refused. */
  private static long integer(JsonNode o, String field, long min, long max) {
    JsonNode v = o.path(field);
    if (v.isMissingNode() || v.isNull()) {
      throw new IllegalArgumentException(field + " is required");
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
      throw new IllegalArgumentException(field + " must be a whole number between " + min + " and " + max
          + ", but was " + HubJson.shorten(v.toString()));
    }
    return v.longValue();
  }

  private ObjectNode stats() {
    HubCounts c = admin.counts();
    ObjectNode o = JSON.objectNode();
    o.putObject("cloudToDevice")
        .put("enqueued", c.cloudToDeviceEnqueued())
        .put("delivered", c.cloudToDeviceDelivered())
        .put("completed", c.cloudToDeviceCompleted())
        .put("rejected", c.cloudToDeviceRejected())
        .put("abandoned", c.cloudToDeviceAbandoned())
        .put("expired", c.cloudToDeviceExpired())
        .put("deliveryCountExceeded", c.cloudToDeviceDeliveryCountExceeded())
        .put("purged", c.cloudToDevicePurged());
    o.putObject("methods")
        .put("invoked", c.methodsInvoked())
        .put("succeeded", c.methodsSucceeded())
        .put("failed", c.methodsFailed())
        .put("timedOut", c.methodsTimedOut());
    o.put("throttled", c.throttled()).put("connections", c.connections()).put("feedbackDropped", c.feedbackDropped());
    var devices = o.putArray("devices");
    for (DeviceInfo d : admin.devices()) {
      devices.addObject().put("deviceId", d.deviceId()).put("connected", d.connected())
          .put("queueDepth", d.cloudToDeviceMessageCount());
    }
    return o;
  }

  private ObjectNode clock(Instant now) {
    return JSON.objectNode().put("now", now.toString()).put("virtual", admin.isVirtual());
  }

  private static ObjectNode faults(HubFaults f) {
    ObjectNode o = JSON.objectNode();
    ObjectNode throttle = o.putObject("throttle");
    OPERATIONS.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      Integer next = f.throttleNext().get(e.getValue());
      Instant until = f.throttleUntil().get(e.getValue());
      if (next != null || until != null) {
        ObjectNode t = throttle.putObject(e.getKey());
        if (next != null) {
          t.put("count", next);
        }
        if (until != null) {
          t.put("until", until.toString());
        }
      }
    });
    o.put("dropFeedback", f.feedbackToDrop());
    return o;
  }

  private static byte[] bytes(JsonNode node) {
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }
}
