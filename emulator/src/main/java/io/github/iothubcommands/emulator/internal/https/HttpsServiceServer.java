package io.github.iothubcommands.emulator.internal.https;

import io.github.iothubcommands.emulator.internal.EmulatorContext;
import io.github.iothubcommands.emulator.internal.NettyServer;
import io.github.iothubcommands.emulator.internal.ProtocolServer;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;

/**
 * HTTPS for the service clients (direct methods, registry). Pipeline: TLS → Netty's HTTP/1.1 codec →
 * keep-alive → aggregator → the shared {@link ServiceHttpHandler}.
 */
public final class HttpsServiceServer {
  /** The front door's name in logs and errors. */
  public static final String NAME = "HTTPS";
  /** 128 KB method payload plus the JSON envelope, with room. */
  static final int MAX_BODY_BYTES = 512 * 1024;

  private HttpsServiceServer() {}

  /**
   * Binds the HTTPS server.
   *
   * @param c the shared context
   * @return the running server
   * @throws InterruptedException if interrupted while binding
   */
  public static ProtocolServer start(EmulatorContext c) throws InterruptedException {
    ServiceHttpHandler handler = new ServiceHttpHandler(c.engine(), c.registry(), c.verifier());
    return NettyServer.bind(c, NAME, c.httpsPort(), ch -> ch.pipeline()
        .addLast(c.serverSsl().newHandler(ch.alloc()))
        .addLast(new HttpServerCodec())
        .addLast(new HttpServerKeepAliveHandler())
        .addLast(new HttpObjectAggregator(MAX_BODY_BYTES))
        .addLast(handler));
  }
}
