package io.github.iothubcommands.emulator.internal.https;

import io.github.iothubcommands.emulator.internal.AdminOperations;
import io.github.iothubcommands.emulator.internal.EmulatorContext;
import io.github.iothubcommands.emulator.internal.FrontDoors;
import io.github.iothubcommands.emulator.internal.NettyServer;
import io.github.iothubcommands.emulator.internal.ProtocolServer;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;

/**
 * HTTPS for the service clients (direct methods, registry). Pipeline: TLS (handshake timeout) → request and
 * idle timers on the bytes → Netty's HTTP/1.1 codec (request line and header limits) → timers on the
 * messages → keep-alive → {@link HealthEndpoint} ({@code GET /health}, no authorization) → {@link
 * RequestGate} (undecodable, unauthorized and oversized requests refused from their head) → aggregator (body limit) → the shared
 * {@link AdminHttpHandler} ({@code /admin/...}) → the shared {@link ServiceHttpHandler}.
 */
public final class HttpsServiceServer {
  /** The front door's name in logs and errors. */
  public static final String NAME = "HTTPS";
  /** The path {@link HealthEndpoint} answers, without authorization. */
  public static final String HEALTH_PATH = "/health";
  /** Largest body: IoT Hub's 128 KB method payload twice over (a registry body is far smaller), plus room. */
  public static final int MAX_BODY_BYTES = 256 * 1024 + 16 * 1024;
  /** Longest request line: a path with a 128-character device id, its query, and room. */
  public static final int MAX_REQUEST_LINE_BYTES = 8 * 1024;
  /** Largest total of all header lines; past it the answer is 431. */
  public static final int MAX_HEADER_BYTES = 16 * 1024;
  /** Largest piece of a body the codec hands on at once (not a limit on the body). */
  private static final int MAX_CHUNK_BYTES = 16 * 1024;

  private HttpsServiceServer() {}

  /**
   * Binds the HTTPS server, with a health endpoint reporting these front doors.
   *
   * @param c the shared context
   * @param doors the front doors {@code GET /health} reports
   * @return the running server
   * @throws InterruptedException if interrupted while binding
   */
  public static ProtocolServer start(EmulatorContext c, FrontDoors doors) throws InterruptedException {
    ServiceHttpHandler handler = new ServiceHttpHandler(c.engine(), c.registry());
    AdminHttpHandler admin = new AdminHttpHandler(c.admin());
    boolean virtualTime = c.admin().isVirtual();
    return NettyServer.bind(c, NAME, c.httpsPort(), ch -> {
      HttpTimeouts timeouts = new HttpTimeouts(c.timeouts().request(), c.timeouts().idle());
      ch.pipeline()
          .addLast(c.tlsHandler(ch))
          .addLast(timeouts.bytes())
          .addLast(new HttpServerCodec(MAX_REQUEST_LINE_BYTES, MAX_HEADER_BYTES, MAX_CHUNK_BYTES))
          .addLast(timeouts.messages())
          .addLast(new HttpServerKeepAliveHandler())
          .addLast(new HealthEndpoint(doors, virtualTime))
          .addLast(new RequestGate(c.verifier(), MAX_BODY_BYTES))
          .addLast(new HttpObjectAggregator(MAX_BODY_BYTES))
          .addLast(admin)
          .addLast(handler);
    });
  }
}
