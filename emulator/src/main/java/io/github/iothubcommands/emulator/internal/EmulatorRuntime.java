package io.github.iothubcommands.emulator.internal;

import io.github.iothubcommands.emulator.internal.amqp.AmqpServer;
import io.github.iothubcommands.emulator.internal.auth.SasToken;
import io.github.iothubcommands.emulator.internal.auth.SasVerifier;
import io.github.iothubcommands.emulator.internal.https.HttpsServiceServer;
import io.github.iothubcommands.emulator.internal.mqtt.MqttDeviceServer;
import io.github.iothubcommands.emulator.internal.tls.TlsMaterial;
import io.github.iothubcommands.spi.TimeSource;
import io.github.iothubcommands.testkit.engine.DeviceInfo;
import io.github.iothubcommands.testkit.engine.HubEngine;
import io.github.iothubcommands.testkit.engine.HubLimits;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running emulator: the engine on the wall clock, the TLS identity, one Netty boss thread and two worker
 * event loops shared by every front door, and the front doors themselves (MQTT, AMQPS, HTTPS), started in
 * that order and closed in reverse.
 */
public final class EmulatorRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmulatorRuntime.class);

  /** The shared access policy the emulator's service credentials name. */
  public static final String POLICY_NAME = "iothubowner";
  /** How long the service SAS token handed out stays valid. */
  public static final Duration SERVICE_TOKEN_VALIDITY = Duration.ofDays(365);
  /** The host device connection strings name: the device SDK needs a dot, and dials it on 8883. */
  public static final String DEVICE_HOST = "127.0.0.1";
  /** The host service credentials name: the certificate's DNS name. */
  public static final String SERVICE_HOST = "localhost";

  private final HubEngine engine;
  private final TlsMaterial tls;
  private final @Nullable Path ownedDirectory;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ProtocolServer mqtt;
  private final ProtocolServer amqp;
  private final ProtocolServer https;
  private final String policyKey;
  private final String hubName;
  private final DeviceRegistry registry;

  private EmulatorRuntime(HubEngine engine, TlsMaterial tls, @Nullable Path ownedDirectory, EventLoopGroup boss,
      EventLoopGroup workers, ProtocolServer mqtt, ProtocolServer amqp, ProtocolServer https, String policyKey,
      String hubName, DeviceRegistry registry) {
    this.engine = engine;
    this.tls = tls;
    this.ownedDirectory = ownedDirectory;
    this.boss = boss;
    this.workers = workers;
    this.mqtt = mqtt;
    this.amqp = amqp;
    this.https = https;
    this.policyKey = policyKey;
    this.hubName = hubName;
    this.registry = registry;
  }

  /**
   * Starts an emulator.
   *
   * @param hubName the hub's name
   * @param deviceIds devices to register, with generated keys
   * @param limits the engine's limits
   * @param bindAddress where to listen
   * @param httpsPort HTTPS port (0: any)
   * @param mqttPort MQTT port (0: any)
   * @param amqpPort AMQPS port (0: any)
   * @param workDirectory where the trust store goes, or {@code null} for a temporary directory deleted on close
   * @return the running emulator
   * @throws IllegalStateException if a port cannot be bound or the TLS material cannot be written
   */
  public static EmulatorRuntime start(String hubName, List<String> deviceIds, HubLimits limits,
      InetAddress bindAddress, int httpsPort, int mqttPort, int amqpPort, @Nullable Path workDirectory) {
    Path owned = null;
    Path dir = workDirectory;
    if (dir == null) {
      try {
        owned = Files.createTempDirectory("iothub-emulator");
        dir = owned;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a temporary directory for the emulator's trust store", e);
      }
    }
    HubEngine engine = new HubEngine(limits, TimeSource.system());
    DeviceRegistry registry = new DeviceRegistry(engine);
    deviceIds.forEach(registry::register);
    TlsMaterial tls = TlsMaterial.generate(dir);
    String policyKey = DeviceRegistry.newKey();
    Set<String> hosts = Set.of(SERVICE_HOST, DEVICE_HOST,
        hubName.toLowerCase(Locale.ROOT) + ".azure-devices.net");
    SasVerifier verifier = new SasVerifier(engine, hosts, Map.of(POLICY_NAME, policyKey));
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("emulator-accept", true),
        NioIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("emulator-io", true),
        NioIoHandler.newFactory());
    EmulatorContext context = new EmulatorContext(engine, verifier, registry, tls.nettyServerContext(),
        bindAddress, boss, workers, httpsPort, mqttPort, amqpPort);
    List<ProtocolServer> started = new ArrayList<>();
    try {
      ProtocolServer mqtt = startServer(started, MqttDeviceServer.NAME, mqttPort, MqttDeviceServer::start, context);
      ProtocolServer amqp = startServer(started, AmqpServer.NAME, amqpPort, AmqpServer::start, context);
      ProtocolServer https = startServer(started, HttpsServiceServer.NAME, httpsPort, HttpsServiceServer::start,
          context);
      LOG.info("IoT Hub emulator {} started: {}", hubName, started.stream()
          .map(s -> s.name() + " " + s.localAddress()).toList());
      return new EmulatorRuntime(engine, tls, owned, boss, workers, mqtt, amqp, https, policyKey, hubName,
          registry);
    } catch (RuntimeException e) {
      release(started, engine, boss, workers, owned);
      throw e;
    }
  }

  /** Starts one front door and adds it to {@code started}; the failure names it and its port. */
  private static ProtocolServer startServer(List<ProtocolServer> started, String name, int port,
      ProtocolServer.Factory factory, EmulatorContext context) {
    try {
      ProtocolServer server = factory.start(context);
      started.add(server);
      return server;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the emulator's " + name + " server", e);
    } catch (Exception e) { // Netty rethrows the checked BindException from sync()
      throw new IllegalStateException("cannot start the emulator's " + name + " server on "
          + context.bindAddress().getHostAddress() + " port " + port + ": " + e, e);
    }
  }

  /** @return the engine */
  public HubEngine engine() {
    return engine;
  }

  /** @return the registry view */
  public DeviceRegistry registry() {
    return registry;
  }

  /** @return the TLS identity */
  public TlsMaterial tls() {
    return tls;
  }

  /** @return the hub's name */
  public String hubName() {
    return hubName;
  }

  /** @return the HTTPS port actually bound */
  public int httpsPort() {
    return https.localAddress().getPort();
  }

  /** @return the MQTT port actually bound */
  public int mqttPort() {
    return mqtt.localAddress().getPort();
  }

  /** @return the AMQPS port actually bound */
  public int amqpPort() {
    return amqp.localAddress().getPort();
  }

  /** @return the service connection string (host {@value #SERVICE_HOST}) */
  public String serviceConnectionString() {
    return "HostName=" + SERVICE_HOST + ";SharedAccessKeyName=" + POLICY_NAME + ";SharedAccessKey=" + policyKey;
  }

  /** @return a service SAS token valid for {@link #SERVICE_TOKEN_VALIDITY} */
  public String serviceSasToken() {
    long expiry = engine.time().now().plus(SERVICE_TOKEN_VALIDITY).getEpochSecond();
    return SasToken.build(SERVICE_HOST, policyKey, expiry, POLICY_NAME);
  }

  /**
   * Returns a device's connection string with its primary key.
   *
   * @param deviceId the device
   * @return the connection string (host {@value #DEVICE_HOST})
   * @throws IllegalArgumentException if the device is not registered or has no primary key
   */
  public String deviceConnectionString(String deviceId) {
    DeviceInfo d = engine.device(deviceId).orElseThrow(() -> new IllegalArgumentException(
        "deviceId must name a registered device, but was '" + deviceId + "'"));
    String key = d.primaryKeyIfSet().orElseThrow(() -> new IllegalArgumentException(
        "device '" + deviceId + "' has no primary key: it cannot use a SharedAccessKey connection string"));
    // The device SDK URL-decodes DeviceId: encode it, or a '+' or '%' in the id would reach it changed.
    return "HostName=" + DEVICE_HOST + ";DeviceId=" + URLEncoder.encode(deviceId, StandardCharsets.UTF_8)
        + ";SharedAccessKey=" + key;
  }

  @Override
  public void close() {
    release(List.of(mqtt, amqp, https), engine, boss, workers, ownedDirectory);
  }

  /** Closes the servers in reverse start order, then the engine, the event loops and the owned directory. */
  private static void release(List<ProtocolServer> servers, HubEngine engine, EventLoopGroup boss,
      EventLoopGroup workers, @Nullable Path ownedDirectory) {
    List<ProtocolServer> reversed = new ArrayList<>(servers);
    Collections.reverse(reversed);
    for (ProtocolServer s : reversed) {
      try {
        s.close();
      } catch (RuntimeException e) {
        LOG.warn("Closing the {} server failed", s.name(), e);
      }
    }
    engine.close();
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    if (ownedDirectory != null) {
      try (Stream<Path> files = Files.walk(ownedDirectory)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        LOG.debug("Could not delete {}", ownedDirectory, e);
      }
    }
  }
}
