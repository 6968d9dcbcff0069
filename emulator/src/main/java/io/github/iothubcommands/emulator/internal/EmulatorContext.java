package io.github.iothubcommands.emulator.internal;

import io.github.iothubcommands.emulator.internal.auth.SasVerifier;
import io.github.iothubcommands.emulator.internal.tls.TlsMaterial;
import io.github.iothubcommands.testkit.engine.HubEngine;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;

/**
 * What every protocol front door shares: the engine, authentication, the registry view, the TLS identity
 * and the Netty event loops.
 *
 * @param engine the hub engine (thread-safe, own lock)
 * @param verifier checks service and device SAS tokens
 * @param registry the registry view over the engine
 * @param tls the TLS identity
 * @param serverSsl the Netty server TLS context built from {@code tls}
 * @param bindAddress the address servers listen on (loopback by default)
 * @param bossGroup accepts connections
 * @param workerGroup serves connections
 * @param hubName the hub's name
 * @param httpsPort the HTTPS port asked for (0: any)
 * @param mqttPort the MQTT port asked for (0: any)
 * @param amqpPort the AMQPS port asked for (0: any)
 */
public record EmulatorContext(
    HubEngine engine,
    SasVerifier verifier,
    DeviceRegistry registry,
    TlsMaterial tls,
    SslContext serverSsl,
    InetAddress bindAddress,
    EventLoopGroup bossGroup,
    EventLoopGroup workerGroup,
    String hubName,
    int httpsPort,
    int mqttPort,
    int amqpPort) {}
