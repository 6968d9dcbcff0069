package io.github.iothubcommands.emulator.internal;

import io.github.iothubcommands.emulator.internal.amqp.AmqpServer;
import io.github.iothubcommands.emulator.internal.auth.CredentialWatch;
import io.github.iothubcommands.emulator.internal.auth.SasToken;
import io.github.iothubcommands.emulator.internal.auth.SasVerifier;
import io.github.iothubcommands.emulator.internal.https.HttpsServiceServer;
import io.github.iothubcommands.emulator.internal.mqtt.MqttDeviceServer;
import io.github.iothubcommands.emulator.internal.mqtt.MqttSessions;
import io.github.iothubcommands.emulator.internal.tls.TlsMaterial;
import io.github.iothubcommands.spi.TimeSource;
import io.github.iothubcommands.engine.DeviceInfo;
import io.github.iothubcommands.engine.HubEngine;
import io.github.iothubcommands.engine.HubLimits;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
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
  /**
   * The host device connection strings name on the default address: the device SDK needs a dot, and dials
   * it on 8883.
   */
  public static final String DEVICE_HOST = "127.0.0.1";
  /** The host service credentials name on the default address: the certificate's DNS name. */
  public static final String SERVICE_HOST = "localhost";

  private final HubEngine engine;
  private final TlsMaterial tls;
  private final ProtocolServer mqtt;
  private final ProtocolServer amqp;
  private final ProtocolServer https;
  private final String policyKey;
  private final String hubName;
  private final DeviceRegistry registry;
  private final InetAddress bindAddress;
  private final FrontDoors doors;
  private final AdminOperations admin;
  /** What {@link #close()} undoes, newest first: servers, engine, event loops, the owned directory. */
  private final Deque<Runnable> closers;

  private EmulatorRuntime(HubEngine engine, TlsMaterial tls, ProtocolServer mqtt, ProtocolServer amqp,
      ProtocolServer https, String policyKey, String hubName, DeviceRegistry registry, InetAddress bindAddress,
      FrontDoors doors, AdminOperations admin, Deque<Runnable> closers) {
    this.admin = admin;
    this.engine = engine;
    this.tls = tls;
    this.mqtt = mqtt;
    this.amqp = amqp;
    this.https = https;
    this.policyKey = policyKey;
    this.hubName = hubName;
    this.registry = registry;
    this.bindAddress = bindAddress;
    this.doors = doors;
    this.closers = closers;
  }

  /**
   * Starts an emulator whose engine runs on {@code time}. Only the engine (time-to-live, locks, feedback
   * batching, method timeouts, token expiry) follows it; the front doors' network timeouts stay on the wall
   * clock. If any step fails, what the earlier steps made is released before the exception leaves: servers,
   * engine, event loops and the temporary directory.
   *
   * @param hubName the hub's name
   * @param devices devices to register, in order
   * @param limits the engine's limits
   * @param bindAddress where to listen
   * @param httpsPort HTTPS port (0: any)
   * @param mqttPort MQTT port (0: any)
   * @param amqpPort AMQPS port (0: any)
   * @param workDirectory where the trust store goes, or {@code null} for a temporary directory deleted on close
   * @param timeouts how long the front doors wait for peers
   * @param time the engine's time source: the system clock, or a {@link io.github.iothubcommands.engine.VirtualTime}
   * @return the running emulator
   * @throws IllegalStateException if a port cannot be bound or the TLS material cannot be made or written
   */
  public static EmulatorRuntime start(String hubName, List<DeviceSeed> devices, HubLimits limits,
      InetAddress bindAddress, int httpsPort, int mqttPort, int amqpPort, @Nullable Path workDirectory,
      Timeouts timeouts, TimeSource time) {
    Deque<Runnable> closers = new ArrayDeque<>();
    try {
      Path dir = workDirectory != null ? workDirectory : temporaryDirectory(closers);
      // TLS first: it fails more easily than anything else, and before any thread exists
      TlsMaterial tls = TlsMaterial.generate(dir, bindAddress.isAnyLocalAddress() ? List.of() : List.of(bindAddress));
      SslContext serverSsl = tls.nettyServerContext();
      EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("emulator-accept", true),
          NioIoHandler.newFactory());
      closers.push(() -> boss.shutdownGracefully(0, 1, TimeUnit.SECONDS));
      EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("emulator-io", true),
          NioIoHandler.newFactory());
      closers.push(() -> workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS));
      HubEngine engine = new HubEngine(limits, time);
      closers.push(engine::close); // before the event loops stop: it tells the open sessions
      DeviceRegistry registry = new DeviceRegistry(engine);
      devices.forEach(d -> registry.create(d.deviceId(), d.primaryKey(), d.secondaryKey(), d.enabled()));
      String policyKey = DeviceRegistry.newKey();
      Set<String> hosts = new HashSet<>(List.of(SERVICE_HOST, DEVICE_HOST,
          hubName.toLowerCase(Locale.ROOT) + ".azure-devices.net", serviceHost(bindAddress), deviceHost(bindAddress)));
      SasVerifier verifier = new SasVerifier(engine, hosts, Map.of(POLICY_NAME, policyKey));
      CredentialWatch credentials = new CredentialWatch();
      engine.addObserver(credentials);
      MqttSessions mqttSessions = new MqttSessions();
      engine.addObserver(mqttSessions);
      DeviceChannels channels = new DeviceChannels();
      AdminOperations admin = new AdminOperations(engine, channels);
      closers.push(admin::close); // after the servers: no admin request is left to use its clock thread
      EmulatorContext context = new EmulatorContext(engine, verifier, credentials, channels, admin, registry,
          serverSsl, bindAddress, boss, workers, httpsPort, mqttPort, amqpPort, timeouts);
      Map<String, Integer> asked = new LinkedHashMap<>();
      asked.put(MqttDeviceServer.NAME, mqttPort);
      asked.put(AmqpServer.NAME, amqpPort);
      asked.put(HttpsServiceServer.NAME, httpsPort);
      FrontDoors doors = new FrontDoors(asked);
      ProtocolServer mqtt = startServer(closers, MqttDeviceServer.NAME, mqttPort,
          c -> MqttDeviceServer.start(c, mqttSessions), context);
      doors.bound(mqtt);
      ProtocolServer amqp = startServer(closers, AmqpServer.NAME, amqpPort, AmqpServer::start, context);
      doors.bound(amqp);
      ProtocolServer https = startServer(closers, HttpsServiceServer.NAME, httpsPort,
          c -> HttpsServiceServer.start(c, doors), context);
      doors.bound(https);
      LOG.info("IoT Hub emulator {} started on {}: serviceHost {}, deviceHost {}, {}; {} devices", hubName,
          bindAddress.getHostAddress(), serviceHost(bindAddress), deviceHost(bindAddress), Stream.of(https, amqp, mqtt)
              .map(s -> s.name() + " port " + s.localAddress().getPort()).collect(Collectors.joining(", ")),
          engine.devices().size());
      return new EmulatorRuntime(engine, tls, mqtt, amqp, https, policyKey, hubName, registry, bindAddress, doors,
          admin, closers);
    } catch (RuntimeException e) {
      closeAll(closers);
      throw e;
    }
  }

  private static Path temporaryDirectory(Deque<Runnable> closers) {
    Path dir;
    try {
      dir = Files.createTempDirectory("iothub-emulator");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory for the emulator's trust store", e);
    }
    closers.push(() -> {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        LOG.debug("Could not delete {}", dir, e);
      }
    });
    return dir;
  }

  /** Starts one front door, to be closed with the rest; the failure names it and its port. */
  private static ProtocolServer startServer(Deque<Runnable> closers, String name, int port,
      ProtocolServer.Factory factory, EmulatorContext context) {
    ProtocolServer server;
    try {
      server = factory.start(context);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the emulator's " + name + " server", e);
    } catch (Exception e) { // Netty rethrows the checked BindException from sync()
      throw new IllegalStateException("cannot start the emulator's " + name + " server on "
          + context.bindAddress().getHostAddress() + " port " + port + ": " + e, e);
    }
    closers.push(server::close);
    return server;
  }

  /** Runs every closer, newest first; one that fails does not stop the others. */
  private static void closeAll(Deque<Runnable> closers) {
    for (Runnable c = closers.poll(); c != null; c = closers.poll()) {
      try {
        c.run();
      } catch (RuntimeException e) {
        LOG.warn("Closing part of the emulator failed", e);
      }
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

  /**
   * The host service clients name for an emulator bound to this address: {@value #SERVICE_HOST} (the
   * certificate's DNS name) on 127.0.0.1 or the wildcard address, else the address itself, since no name
   * resolves to another loopback address in Java by default.
   *
   * @param bindAddress the address the emulator listens on
   * @return the host
   */
  public static String serviceHost(InetAddress bindAddress) {
    return isDefaultHost(bindAddress) ? SERVICE_HOST : bindAddress.getHostAddress();
  }

  /**
   * The host device connection strings name for an emulator bound to this address: {@value #DEVICE_HOST}
   * on 127.0.0.1 or the wildcard address, else the address itself.
   *
   * @param bindAddress the address the emulator listens on
   * @return the host
   */
  public static String deviceHost(InetAddress bindAddress) {
    return isDefaultHost(bindAddress) ? DEVICE_HOST : bindAddress.getHostAddress();
  }

  private static boolean isDefaultHost(InetAddress a) {
    return a.isAnyLocalAddress() || a.getHostAddress().equals(DEVICE_HOST);
  }

  /** @return the address the front doors listen on */
  public InetAddress bindAddress() {
    return bindAddress;
  }

  /** @return the host service clients name: {@link #serviceHost(InetAddress)} of the bind address */
  public String serviceHost() {
    return serviceHost(bindAddress);
  }

  /** @return the host device connection strings name: {@link #deviceHost(InetAddress)} of the bind address */
  public String deviceHost() {
    return deviceHost(bindAddress);
  }

  /** @return the admin operations, shared by the Java API and the HTTPS routes */
  public AdminOperations admin() {
    return admin;
  }

  /** @return the front doors and their states */
  public FrontDoors frontDoors() {
    return doors;
  }

  /** @return the service connection string (host {@link #serviceHost()}) */
  public String serviceConnectionString() {
    return "HostName=" + serviceHost() + ";SharedAccessKeyName=" + POLICY_NAME + ";SharedAccessKey=" + policyKey;
  }

  /** @return a service SAS token valid for {@link #SERVICE_TOKEN_VALIDITY}, for {@link #serviceHost()} */
  public String serviceSasToken() {
    long expiry = engine.time().now().plus(SERVICE_TOKEN_VALIDITY).getEpochSecond();
    return SasToken.build(serviceHost(), policyKey, expiry, POLICY_NAME);
  }

  /**
   * Returns a device's connection string with its primary key.
   *
   * @param deviceId the device
   * @return the connection string (host {@link #deviceHost()})
   * @throws IllegalArgumentException if the device is not registered or has no primary key
   */
  public String deviceConnectionString(String deviceId) {
    DeviceInfo d = engine.device(deviceId).orElseThrow(() -> new IllegalArgumentException(
        "deviceId must name a registered device, but was '" + deviceId + "'"));
    String key = d.primaryKeyIfSet().orElseThrow(() -> new IllegalArgumentException(
        "device '" + deviceId + "' has no primary key: it cannot use a SharedAccessKey connection string"));
    // The device SDK URL-decodes DeviceId: encode it, or a '+' or '%' in the id would reach it changed.
    return "HostName=" + deviceHost() + ";DeviceId=" + URLEncoder.encode(deviceId, StandardCharsets.UTF_8)
        + ";SharedAccessKey=" + key;
  }

  /** Stops the servers (newest first), the engine and the event loops, and deletes the owned directory. */
  @Override
  public void close() {
    closeAll(closers);
  }
}
