package io.github.iothubcommands.emulator.internal;

import io.github.iothubcommands.emulator.internal.auth.CredentialWatch;
import io.github.iothubcommands.emulator.internal.auth.SasVerifier;
import io.github.iothubcommands.engine.HubEngine;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetAddress;

/**
 * What every protocol front door shares: the engine, authentication, the registry view, the server TLS
 * context and the Netty event loops.
 *
 * @param engine the hub engine (thread-safe, own lock)
 * @param verifier checks service and device SAS tokens
 * @param credentials tells connections when the keys or status they were authorized with change
 * @param channels which connections carry which device, for the admin surface to cut them
 * @param admin the admin operations the HTTPS routes serve
 * @param registry the registry view over the engine
 * @param serverSsl the Netty server TLS context of the emulator's identity
 * @param bindAddress the address servers listen on (loopback by default)
 * @param bossGroup accepts connections
 * @param workerGroup serves connections
 * @param httpsPort the HTTPS port asked for (0: any)
 * @param mqttPort the MQTT port asked for (0: any)
 * @param amqpPort the AMQPS port asked for (0: any)
 * @param timeouts how long the front doors wait for peers
 */
public record EmulatorContext(
    HubEngine engine,
    SasVerifier verifier,
    CredentialWatch credentials,
    DeviceChannels channels,
    AdminOperations admin,
    DeviceRegistry registry,
    SslContext serverSsl,
    InetAddress bindAddress,
    EventLoopGroup bossGroup,
    EventLoopGroup workerGroup,
    int httpsPort,
    int mqttPort,
    int amqpPort,
    Timeouts timeouts) {

  /**
   * A TLS handler for a new connection whose handshake must end within {@link Timeouts#handshake()}.
   *
   * @param ch the connection
   * @return the handler, first in its pipeline after the open deadline
   */
  public SslHandler tlsHandler(Channel ch) {
    SslHandler tls = serverSsl.newHandler(ch.alloc());
    tls.setHandshakeTimeoutMillis(timeouts.handshake().toMillis());
    return tls;
  }
}
