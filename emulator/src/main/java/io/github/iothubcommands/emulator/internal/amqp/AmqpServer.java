package io.github.iothubcommands.emulator.internal.amqp;

import io.github.iothubcommands.emulator.internal.EmulatorContext;
import io.github.iothubcommands.emulator.internal.NettyServer;
import io.github.iothubcommands.emulator.internal.OpenDeadline;
import io.github.iothubcommands.emulator.internal.ProtocolServer;
import io.github.iothubcommands.engine.HubEngine;
import io.netty.handler.ssl.SslHandler;

/**
 * The AMQPS server: an open deadline (TLS handshake, AMQP header, SASL and Open within the handshake timeout
 * of the accept), TLS in a Netty {@link SslHandler}, then one {@link AmqpConnection} (a proton-j engine) per
 * channel, in front of a {@link HubEngine}. The Azure IoT SDKs always dial port 5671.
 * Started by the emulator as one of its front doors.
 */
public final class AmqpServer {
  /** The front door's name in logs and errors. */
  public static final String NAME = "AMQPS";

  private AmqpServer() {}

  /**
   * Binds and starts the server on the context's address and AMQPS port. Each open feedback link of a service is one of
   * the engine's feedback receivers; closing the server closes them.
   *
   * @param context what the emulator's front doors share: engine, SAS verifier, TLS, event loops (not shut
   *     down by closing the server), bind address and AMQPS port
   * @return the running server
   * @throws InterruptedException if interrupted while binding
   */
  public static ProtocolServer start(EmulatorContext context) throws InterruptedException {
    HubEngine engine = context.engine();
    CbsAuthority authority = new CbsAuthority(context.verifier());
    MethodCalls calls = new MethodCalls(); // per device, across connections
    // Each feedback link subscribes to the engine while it is attached: nothing to release here.
    return NettyServer.bind(context, NAME, context.amqpPort(), ch -> ch.pipeline()
        .addLast(OpenDeadline.NAME, new OpenDeadline(context.timeouts().handshake(), "TLS handshake and AMQP Open"))
        .addLast("tls", context.tlsHandler(ch))
        .addLast("amqp", new AmqpConnection(ch, engine, authority, context.credentials(), context.channels(), calls)));
  }
}
