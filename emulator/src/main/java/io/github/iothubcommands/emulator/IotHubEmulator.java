package io.github.iothubcommands.emulator;

import io.github.iothubcommands.DeviceId;
import io.github.iothubcommands.HubTier;
import io.github.iothubcommands.emulator.internal.DeviceRegistry;
import io.github.iothubcommands.emulator.internal.DeviceSeed;
import io.github.iothubcommands.emulator.internal.EmulatorRuntime;
import io.github.iothubcommands.emulator.internal.LoopbackAddresses;
import io.github.iothubcommands.emulator.internal.Timeouts;
import io.github.iothubcommands.emulator.internal.config.ConfigFile;
import io.github.iothubcommands.emulator.internal.https.HttpsServiceServer;
import io.github.iothubcommands.emulator.internal.tls.TlsMaterial;
import io.github.iothubcommands.engine.HubEngine;
import io.github.iothubcommands.engine.HubLimits;
import io.github.iothubcommands.engine.VirtualTime;
import io.github.iothubcommands.spi.TimeSource;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * A running local IoT Hub emulator: the hub engine ({@link HubEngine}, the same one behind the testkit's
 * in-memory fake hub) behind IoT Hub's protocols, on loopback, so the unmodified Azure IoT SDK clients
 * connect to it. Start one with {@link #builder()} (or from a JSON or YAML file: {@link Builder#config}); close
 * it to stop every server. Its three front doors, each behind TLS with a certificate generated at start:
 *
 * <ul>
 *   <li>HTTPS ({@link #httpsPort()}, default {@value #DEFAULT_HTTPS_PORT}, configurable), for the service
 *       SDK: direct methods and the device registry, for {@code DirectMethodsClient} and {@code
 *       RegistryClient}, with a service SAS token; and {@code GET /health}, without authorization, for
 *       readiness checks ({@link #healthUrl()});
 *   <li>AMQPS ({@link #amqpPort()}, {@value #DEFAULT_AMQP_PORT}, which the SDKs always dial), for the service
 *       and the device SDK: cloud-to-device intake and feedback for {@code MessagingClient} and {@code
 *       MessageFeedbackProcessorClient}; C2D delivery (complete / abandon / reject) and direct methods for
 *       {@code DeviceClient} over {@code IotHubClientProtocol.AMQPS}; claims-based security (put-token on
 *       {@code $cbs});
 *   <li>MQTT 3.1.1 over TLS ({@link #mqttPort()}, {@value #DEFAULT_MQTT_PORT}, which the device SDK always
 *       dials), for the device SDK: connect with SAS, C2D delivery and direct methods for {@code DeviceClient}
 *       over {@code IotHubClientProtocol.MQTT}.
 * </ul>
 *
 * <p>Every front door listens on one address, 127.0.0.1 by default. Since the SDKs' ports cannot change,
 * several emulators share a machine by each binding its own loopback address ({@link Builder#bindAddress},
 * or {@link Builder#bindAnyFreeLoopbackAddress()} for parallel tests); the certificate and every connection
 * detail then name that address. For JUnit 5, {@code io.github.iothubcommands.emulator.junit.IotHubEmulatorExtension}
 * starts one per test class.
 *
 * <p>Each front door refuses what IoT Hub refuses and bounds what a peer can make it hold or wait for:
 * message and body sizes, header sizes, handshake, request and idle timeouts ({@link
 * Builder#handshakeTimeout}, {@link Builder#requestTimeout}, {@link Builder#idleTimeout}); see the
 * "Limits and protections" table of {@code docs/emulator.md}.
 *
 * <pre>{@code
 * try (IotHubEmulator hub = IotHubEmulator.builder().devices("d1", "d2").start()) {
 *   HttpsURLConnection.setDefaultSSLSocketFactory(hub.sslContext().getSocketFactory());
 *   DirectMethodsClient methods =
 *       new DirectMethodsClient(hub.httpsHost(), new AzureSasCredential(hub.serviceSasToken()));
 *   DeviceClient device = new DeviceClient(hub.deviceConnectionString("d1"), IotHubClientProtocol.MQTT,
 *       ClientOptions.builder().sslContext(hub.sslContext()).build());
 * }
 * }</pre>
 *
 * <p>It logs through SLF4J and ships no binding (the runnable {@code -all} jar logs to the console); one
 * INFO line at start names the hub, its hosts, ports and device count. No log line, {@link #toString()} or
 * exception shows a key, token or signature. Thread-safe.
 */
public final class IotHubEmulator implements AutoCloseable {
  /** The HTTPS port used unless {@link Builder#httpsPort(int)} says otherwise. */
  public static final int DEFAULT_HTTPS_PORT = 8443;
  /** The MQTT port: the device SDK always dials 8883. */
  public static final int DEFAULT_MQTT_PORT = 8883;
  /** The AMQPS port: the service SDK's messaging and feedback clients and the device SDK always dial 5671. */
  public static final int DEFAULT_AMQP_PORT = 5671;
  /** The hub name used unless {@link Builder#hubName(String)} says otherwise. */
  public static final String DEFAULT_HUB_NAME = "iothub-emulator";
  /** How long a new connection has for TLS and its protocol's opening, unless {@link Builder#handshakeTimeout}. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Timeouts.DEFAULTS.handshake();
  /** How long an HTTPS request may take to arrive, unless {@link Builder#requestTimeout}. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Timeouts.DEFAULTS.request();
  /** How long an HTTPS connection may stay idle, unless {@link Builder#idleTimeout}. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Timeouts.DEFAULTS.idle();
  /** The longest timeout the builder takes. */
  public static final Duration MAX_TIMEOUT = Duration.ofHours(1);
  /** The HTTPS path of the health endpoint, answered without authorization: see {@link #healthUrl()}. */
  public static final String HEALTH_PATH = HttpsServiceServer.HEALTH_PATH;

  private final EmulatorRuntime runtime;

  private IotHubEmulator(EmulatorRuntime runtime) {
    this.runtime = runtime;
  }

  /**
   * Starts a builder with the defaults: no devices, HTTPS on {@value #DEFAULT_HTTPS_PORT}, MQTT on {@value
   * #DEFAULT_MQTT_PORT}, AMQPS on {@value #DEFAULT_AMQP_PORT}, hub name {@value #DEFAULT_HUB_NAME}, IoT Hub's
   * default limits, loopback only.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the hub's name.
   *
   * @return the hub name
   */
  public String hubName() {
    return runtime.hubName();
  }

  /**
   * Returns the address every front door listens on.
   *
   * @return the bind address, e.g. 127.0.0.1 (the default) or 127.0.0.2
   */
  public InetAddress bindAddress() {
    return runtime.bindAddress();
  }

  /**
   * Returns the host, without a port, that the service connection string, the service SAS token and
   * {@link #httpsHost()} name: {@code localhost} when bound to 127.0.0.1 (the default), otherwise the bind
   * address as an IP literal ({@code 127.0.0.2}), which both Azure SDKs accept and the certificate names.
   * Give it to credential-based AMQP clients: {@code new MessagingClient(hub.serviceHost(), credential, …)}.
   *
   * @return the service host
   */
  public String serviceHost() {
    return runtime.serviceHost();
  }

  /**
   * Returns the host, without a port, that device connection strings name: {@code 127.0.0.1} by default,
   * otherwise the bind address as an IP literal. For connection strings built by hand, e.g. for a device
   * registered through {@code RegistryClient} with keys of its own.
   *
   * @return the device host
   */
  public String deviceHost() {
    return runtime.deviceHost();
  }

  /**
   * Returns the URL of the health endpoint: {@code GET} it (no authorization) for 200 and each front door's
   * state when every front door is serving, 503 otherwise. Its certificate is the emulator's ({@link
   * #sslContext()}).
   *
   * @return {@code https://HOST:PORT/health}
   */
  public String healthUrl() {
    return "https://" + httpsHost() + HEALTH_PATH;
  }

  /**
   * Returns a service connection string ({@code HostName=localhost;SharedAccessKeyName=iothubowner;
   * SharedAccessKey=…}; the host is {@link #serviceHost()}). Connection strings cannot carry a port: service
   * clients built from it dial HTTPS on 443 and AMQPS on 5671, so for HTTPS clients it only works when the
   * emulator's HTTPS port is 443; use
   * {@link #httpsHost()} with {@link #serviceSasToken()} otherwise.
   *
   * @return the connection string (a secret: do not log it)
   */
  public String serviceConnectionString() {
    return runtime.serviceConnectionString();
  }

  /**
   * Returns the host to give credential-based service clients, e.g. {@code new DirectMethodsClient(
   * hub.httpsHost(), new AzureSasCredential(hub.serviceSasToken()))}.
   *
   * @return {@code localhost:PORT}, or {@code ADDRESS:PORT} when bound to another address ({@link #serviceHost()})
   */
  public String httpsHost() {
    return runtime.serviceHost() + ":" + httpsPort();
  }

  /**
   * Returns a service SAS token for the {@code iothubowner} policy, valid for a year.
   *
   * @return the token (a secret: do not log it)
   */
  public String serviceSasToken() {
    return runtime.serviceSasToken();
  }

  /**
   * Returns a device's connection string with its primary key and host {@code 127.0.0.1} (or the bind
   * address when it is another one: {@code HostName=127.0.0.2;…}); works for
   * devices registered at start and later (by {@link #registerDevice} or the registry API). The device id
   * is URL-encoded, because the device SDK URL-decodes it.
   *
   * @param deviceId a registered device
   * @return the connection string (a secret: do not log it)
   * @throws IllegalArgumentException if the device is not registered or has no primary key
   */
  public String deviceConnectionString(String deviceId) {
    return runtime.deviceConnectionString(deviceId);
  }

  /**
   * Returns every registered device's connection string, in registration order.
   *
   * @return device id to connection string
   */
  public Map<String, String> deviceConnectionStrings() {
    Map<String, String> all = new LinkedHashMap<>();
    runtime.engine().devices().forEach(d -> d.primaryKeyIfSet().ifPresent(
        k -> all.put(d.deviceId(), runtime.deviceConnectionString(d.deviceId()))));
    return all;
  }

  /**
   * Registers a device with generated keys, or leaves an existing one unchanged.
   *
   * @param deviceId the device id
   * @return its connection string
   * @throws IllegalArgumentException if the id breaks IoT Hub's device id rule ({@link DeviceId#requireValid})
   */
  public String registerDevice(String deviceId) {
    runtime.registry().register(deviceId);
    return deviceConnectionString(deviceId);
  }

  /**
   * Returns the PKCS12 trust store holding the emulator's certificate, for clients in other processes
   * ({@code -Djavax.net.ssl.trustStore=…}).
   *
   * @return the trust store file
   */
  public Path trustStorePath() {
    return runtime.tls().trustStorePath();
  }

  /**
   * Returns the trust store's password.
   *
   * @return the password
   */
  public String trustStorePassword() {
    return runtime.tls().trustStorePassword();
  }

  /**
   * Returns the trust store's type.
   *
   * @return {@code PKCS12}
   */
  public String trustStoreType() {
    return TlsMaterial.TRUST_STORE_TYPE;
  }

  /**
   * Returns an SSLContext trusting exactly the emulator's certificate, for in-JVM clients: {@code
   * ClientOptions.sslContext} (device SDK), the AMQP clients' options, or {@code
   * HttpsURLConnection.setDefaultSSLSocketFactory} (service HTTPS clients).
   *
   * @return the context
   */
  public SSLContext sslContext() {
    return runtime.tls().clientSslContext();
  }

  /**
   * Returns the HTTPS port actually bound.
   *
   * @return the port
   */
  public int httpsPort() {
    return runtime.httpsPort();
  }

  /**
   * Returns the MQTT port actually bound.
   *
   * @return the port
   */
  public int mqttPort() {
    return runtime.mqttPort();
  }

  /**
   * Returns the AMQPS port actually bound.
   *
   * @return the port
   */
  public int amqpPort() {
    return runtime.amqpPort();
  }

  /**
   * Returns the engine behind the protocols, to queue a message, inspect a device or observe the hub
   * directly.
   *
   * @return the engine
   */
  public HubEngine engine() {
    return runtime.engine();
  }

  /**
   * Returns the runtime admin surface: purge a queue, cut a device's connections, read or advance the clock,
   * inject faults, read what the hub saw. The same operations are served over HTTPS under {@value
   * EmulatorAdmin#PATH_PREFIX}.
   *
   * @return the admin surface
   */
  public EmulatorAdmin admin() {
    return new EmulatorAdmin(runtime.admin());
  }

  /** Stops every server, disconnects every client, closes the engine and deletes temporary files. */
  @Override
  public void close() {
    runtime.close();
  }

  @Override
  public String toString() {
    String host = runtime.deviceHost();
    return "IotHubEmulator{hubName=" + hubName() + ", https=" + httpsHost() + ", mqtt=" + host + ":" + mqttPort()
        + ", amqps=" + host + ":" + amqpPort() + '}';
  }

  /**
   * Finds a loopback address from 127.0.0.2 to 127.0.0.254 on which the emulator's default ports ({@value
   * #DEFAULT_AMQP_PORT}, {@value #DEFAULT_MQTT_PORT}, {@value #DEFAULT_HTTPS_PORT}) are free now, for an
   * emulator in another process ({@code --bind}). Parallel processes start their search at different
   * addresses, but one may still take the address between this probe and its own start: in-process, prefer
   * {@link Builder#bindAnyFreeLoopbackAddress()}, which retries on the next address.
   *
   * @return a free address
   * @throws IllegalStateException if none is free, e.g. on a system that routes only 127.0.0.1 to loopback
   *     (macOS without {@code ifconfig lo0 alias 127.0.0.2})
   */
  public static InetAddress findFreeLoopbackAddress() {
    return LoopbackAddresses.findFree(DEFAULT_AMQP_PORT, DEFAULT_MQTT_PORT, DEFAULT_HTTPS_PORT)
        .orElseThrow(() -> noFreeAddress(List.of(DEFAULT_AMQP_PORT, DEFAULT_MQTT_PORT, DEFAULT_HTTPS_PORT), null));
  }

  /**
   * Returns an SSLContext trusting every given emulator's certificate: for the service SDK's HTTPS clients,
   * which trust only the JVM default ({@code HttpsURLConnection.setDefaultSSLSocketFactory}), when one JVM
   * talks to several emulators side by side.
   *
   * @param emulators the emulators to trust
   * @return the context
   * @throws IllegalArgumentException if {@code emulators} is empty
   */
  public static SSLContext sslContextTrusting(Collection<IotHubEmulator> emulators) {
    if (emulators.isEmpty()) {
      throw new IllegalArgumentException("emulators must name at least one emulator, but was empty");
    }
    return TlsMaterial.trusting(emulators.stream().map(e -> e.runtime.tls().certificate()).toList());
  }

  private static IllegalStateException noFreeAddress(List<Integer> ports, @Nullable Throwable last) {
    return new IllegalStateException("no loopback address from 127.0.0." + LoopbackAddresses.FIRST + " to 127.0.0."
        + LoopbackAddresses.LAST + " has ports " + ports + " free: every one is taken by other emulators, or this"
        + " system routes only 127.0.0.1 to loopback (on macOS: sudo ifconfig lo0 alias 127.0.0.2 up, and so on)",
        last);
  }

  /** Configures and starts an {@link IotHubEmulator}. Setters validate at once. */
  public static final class Builder {
    private static final Pattern HUB_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{1,48}[A-Za-z0-9]");

    private final Map<String, DeviceSeed> devices = new LinkedHashMap<>();
    private int httpsPort = DEFAULT_HTTPS_PORT;
    private int mqttPort = DEFAULT_MQTT_PORT;
    private int amqpPort = DEFAULT_AMQP_PORT;
    private String hubName = DEFAULT_HUB_NAME;
    private HubLimits limits = HubLimits.DEFAULTS;
    private @Nullable HubTier tier;
    private int units;
    private InetAddress bindAddress = InetAddress.getLoopbackAddress();
    private boolean bindAddressSet;
    private boolean anyFreeLoopbackAddress;
    private boolean allowNonLoopback;
    private @Nullable Path workDirectory;
    private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private @Nullable VirtualTime virtualTime;

    private Builder() {}

    /**
     * Adds devices to register at start, each with generated keys.
     *
     * @param deviceIds device ids: 1 to {@value DeviceId#MAX_LENGTH} characters, ASCII letters, digits and
     *     {@code -.+%_#*?!(),:=@$'}, as {@link DeviceId#requireValid} checks them
     * @return this builder
     * @throws IllegalArgumentException if an id breaks that rule
     */
    public Builder devices(String... deviceIds) {
      return devices(List.of(deviceIds));
    }

    /**
     * Adds devices to register at start, each with generated keys.
     *
     * @param deviceIds device ids, as in {@link #devices(String...)}
     * @return this builder
     * @throws IllegalArgumentException if an id breaks the rule of {@link #devices(String...)}
     */
    public Builder devices(Collection<String> deviceIds) {
      List<String> checked = new ArrayList<>();
      for (String id : deviceIds) {
        checked.add(DeviceRegistry.checkDeviceId(id));
      }
      checked.forEach(id -> devices.putIfAbsent(id, DeviceSeed.generated(id)));
      return this;
    }

    /**
     * Adds a device to register at start with keys of its own, e.g. keys that a device in another process
     * already holds, and whether it may connect. A device added before by id is replaced; {@link
     * #devices(String...)} for an id added here leaves it as it is.
     *
     * @param deviceId the device id, as in {@link #devices(String...)}
     * @param primaryKey base64 of 16 to 64 bytes, as IoT Hub's registry takes it; {@code null} to generate one
     * @param secondaryKey base64 of 16 to 64 bytes; {@code null} to generate one
     * @param enabled {@code false} registers it disabled: IoT Hub refuses its connections until it is enabled
     * @return this builder
     * @throws IllegalArgumentException if the id breaks the rule of {@link #devices(String...)}, or a key is not
     *     base64 of 16 to 64 bytes (the message names the key's field, never its value)
     */
    public Builder device(String deviceId, @Nullable String primaryKey, @Nullable String secondaryKey,
        boolean enabled) {
      DeviceSeed seed = new DeviceSeed(deviceId, primaryKey, secondaryKey, enabled);
      devices.put(seed.deviceId(), seed);
      return this;
    }

    /**
     * Applies a configuration file, JSON ({@code .json}) or YAML ({@code .yaml}, {@code .yml}): hub name,
     * bind address, ports, timeouts, virtual time, devices with their keys, limits and tier, as {@code docs/emulator.md}
     * ("Configuration file") lists them. Each setting in the file is applied as its setter here would apply
     * it, in the file's order, so a setter called after this one wins, and this one wins over a setter
     * called before. {@code logLevel} is read by the command line only: a library does not set its
     * application's logging.
     *
     * @param file the file
     * @return this builder
     * @throws EmulatorConfigException if the file cannot be read, is not valid JSON or YAML, has an unknown
     *     key, or a value breaks its rule; the message names the file, the key's path (such as {@code
     *     devices[2].primaryKey}), the rule and the value, except a key's value, which it never shows
     */
    public Builder config(Path file) {
      ConfigFile.read(file).applyTo(this, Set.of());
      return this;
    }

    /**
     * Sets the HTTPS port.
     *
     * @param port 0 (any free port) to 65535; default {@value #DEFAULT_HTTPS_PORT}; 443 lets service
     *     connection strings work for HTTPS too
     * @return this builder
     * @throws IllegalArgumentException if the port is outside 0–65535
     */
    public Builder httpsPort(int port) {
      httpsPort = checkPort("httpsPort", port);
      return this;
    }

    /**
     * Sets the MQTT port. The device SDK always dials {@value #DEFAULT_MQTT_PORT}; another port only suits
     * clients that let you choose.
     *
     * @param port 0 (any free port) to 65535; default {@value #DEFAULT_MQTT_PORT}
     * @return this builder
     * @throws IllegalArgumentException if the port is outside 0–65535
     */
    public Builder mqttPort(int port) {
      mqttPort = checkPort("mqttPort", port);
      return this;
    }

    /**
     * Sets the AMQPS port (C2D messages and feedback for service clients; C2D and methods for AMQP devices).
     * The Azure SDKs always dial {@value #DEFAULT_AMQP_PORT}; another port only suits clients that let you
     * choose, or tests that do not use AMQP.
     *
     * @param port 0 (any free port) to 65535; default {@value #DEFAULT_AMQP_PORT}
     * @return this builder
     * @throws IllegalArgumentException if the port is outside 0–65535
     */
    public Builder amqpPort(int port) {
      amqpPort = checkPort("amqpPort", port);
      return this;
    }

    /**
     * Sets the hub's name; SAS tokens for {@code {hubName}.azure-devices.net} are accepted too (for a JVM
     * that maps that name to 127.0.0.1).
     *
     * @param name 3 to 50 letters, digits and hyphens, not starting or ending with a hyphen
     * @return this builder
     * @throws IllegalArgumentException if the name breaks that rule
     */
    public Builder hubName(String name) {
      Objects.requireNonNull(name, "hubName");
      if (!HUB_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("hubName must be 3 to 50 letters, digits and hyphens, not starting or"
            + " ending with a hyphen, but was '" + name + "'");
      }
      hubName = name;
      return this;
    }

    /**
     * Sets the engine's limits (queue depth, lock timeout, feedback batching, throttling, …).
     *
     * @param limits the limits; default {@link HubLimits#DEFAULTS}, which does not throttle
     * @return this builder
     */
    public Builder limits(HubLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Throttles like a hub of this tier and size: C2D sends over AMQPS and direct methods over HTTPS past
     * the tier's quotas are refused the way IoT Hub refuses them (a rejected disposition with {@code
     * com.microsoft:device-container-throttled}; HTTP 429 with error code 429001). Shorthand for {@code
     * limits(limits.toBuilder().tier(tier, units).build())}, applied at {@link #start()} on top of {@link
     * #limits(HubLimits)} whichever is called first; the burst and any rate override come from those limits.
     *
     * @param tier the tier
     * @param units 1 to {@link HubTier#maxUnits()}: exactly 1 for {@link HubTier#F1}, 1 to 200 otherwise
     * @return this builder
     * @throws IllegalArgumentException if {@code units} is outside that range
     */
    public Builder tier(HubTier tier, int units) {
      HubLimits.custom().tier(tier, units); // validates now, names the rule
      this.tier = tier;
      this.units = units;
      return this;
    }

    /**
     * Sets the address every front door listens on (AMQPS, MQTT, HTTPS), so that several emulators run on
     * one machine, each on its own loopback address (the SDKs' ports 5671 and 8883 cannot change). The
     * certificate names the address (an IP SAN), and so do the connection strings, the SAS token and {@link
     * #httpsHost()}, as an IP literal: {@code HostName=127.0.0.2}. On Linux every 127.x.y.z is loopback; macOS
     * routes only 127.0.0.1 unless you add aliases ({@code sudo ifconfig lo0 alias 127.0.0.2 up}).
     *
     * @param address an IPv4 address (connection strings cannot carry an IPv6 literal); default 127.0.0.1. A
     *     non-loopback address, or the wildcard 0.0.0.0, exposes the hub to the network and is refused at
     *     {@link #start()} unless {@link #allowNonLoopbackBindAddress()} is called too
     * @return this builder
     * @throws IllegalArgumentException if the address is not IPv4
     */
    public Builder bindAddress(InetAddress address) {
      Objects.requireNonNull(address, "bindAddress");
      if (!(address instanceof Inet4Address)) {
        throw new IllegalArgumentException("bindAddress must be an IPv4 address (connection strings cannot carry"
            + " an IPv6 literal), but was " + address.getHostAddress());
      }
      bindAddress = address;
      bindAddressSet = true;
      return this;
    }

    /**
     * Sets the address every front door listens on, as {@link #bindAddress(InetAddress)} does.
     *
     * @param address an IPv4 literal such as {@code "127.0.0.2"} (no host name: nothing is resolved)
     * @return this builder
     * @throws IllegalArgumentException if the text is not an IPv4 literal
     */
    public Builder bindAddress(String address) {
      return bindAddress(LoopbackAddresses.parseIpv4("bindAddress", address));
    }

    /**
     * Lets {@link #bindAddress} be an address other than a loopback one, which exposes the hub's services,
     * guarded only by SAS tokens, to the network. Only on a trusted machine or network.
     *
     * @return this builder
     */
    public Builder allowNonLoopbackBindAddress() {
      allowNonLoopback = true;
      return this;
    }

    /**
     * Listens on a loopback address from 127.0.0.2 to 127.0.0.254 whose ports (the configured ones, except
     * those set to 0) are free, chosen at {@link #start()}: for tests running in parallel, each with its own
     * emulator. The search starts at an address drawn from the process id; if another process takes the
     * address between the probe and the bind, the start moves on to the next free one. Read the address from
     * {@link IotHubEmulator#bindAddress()}; the connection strings name it.
     *
     * @return this builder
     */
    public Builder bindAnyFreeLoopbackAddress() {
      anyFreeLoopbackAddress = true;
      return this;
    }

    /**
     * Sets where the trust store is written.
     *
     * @param directory an existing or creatable directory; default a temporary directory deleted on close
     * @return this builder
     */
    public Builder workDirectory(Path directory) {
      workDirectory = Objects.requireNonNull(directory, "workDirectory");
      return this;
    }

    /**
     * Sets how long a new connection has, from its TCP accept, to finish the TLS handshake and open its
     * protocol: AMQP header, SASL and Open on AMQPS, CONNECT on MQTT (the TLS handshake alone on HTTPS).
     * A peer that has not by then is disconnected, however many bytes it trickled meanwhile.
     *
     * @param timeout more than zero and at most {@link #MAX_TIMEOUT}; default {@link #DEFAULT_HANDSHAKE_TIMEOUT}
     * @return this builder
     * @throws IllegalArgumentException if the timeout is zero, negative or more than {@link #MAX_TIMEOUT}
     */
    public Builder handshakeTimeout(Duration timeout) {
      handshakeTimeout = checkTimeout("handshakeTimeout", timeout);
      return this;
    }

    /**
     * Sets how long an HTTPS request may take from its first byte to its last (request line, headers and
     * body). A request not complete by then is cut: its connection closes.
     *
     * @param timeout more than zero and at most {@link #MAX_TIMEOUT}; default {@link #DEFAULT_REQUEST_TIMEOUT}
     * @return this builder
     * @throws IllegalArgumentException if the timeout is zero, negative or more than {@link #MAX_TIMEOUT}
     */
    public Builder requestTimeout(Duration timeout) {
      requestTimeout = checkTimeout("requestTimeout", timeout);
      return this;
    }

    /**
     * Sets how long an HTTPS connection may stay open with no request in flight; a direct method waiting
     * for its device is in flight, however long it waits.
     *
     * @param timeout more than zero and at most {@link #MAX_TIMEOUT}; default {@link #DEFAULT_IDLE_TIMEOUT}
     * @return this builder
     * @throws IllegalArgumentException if the timeout is zero, negative or more than {@link #MAX_TIMEOUT}
     */
    public Builder idleTimeout(Duration timeout) {
      idleTimeout = checkTimeout("idleTimeout", timeout);
      return this;
    }

    /**
     * Runs the engine on a virtual clock that starts at the wall clock's now and moves only when told to
     * ({@link EmulatorAdmin#advanceClock}): message time-to-live, receive locks, feedback batching, direct
     * method timeouts and SAS token expiry then follow it; network timeouts stay on the wall clock. The
     * configuration file's {@code virtualTime: true} and the command line's {@code --virtual-time} call this.
     *
     * @return this builder
     */
    public Builder virtualTime() {
      return virtualTime(new VirtualTime(Instant.now().truncatedTo(ChronoUnit.SECONDS)));
    }

    /**
     * Runs the engine on {@code time}, as {@link #virtualTime()} does; the test may advance it itself or
     * through {@link EmulatorAdmin#advanceClock}.
     *
     * @param time the virtual clock
     * @return this builder
     */
    public Builder virtualTime(VirtualTime time) {
      virtualTime = Objects.requireNonNull(time, "time");
      return this;
    }

    /**
     * Starts the emulator: generates the TLS certificate, registers the devices and binds every server.
     *
     * @return the running emulator
     * @throws IllegalStateException if a port cannot be bound (another emulator running?), the trust store
     *     cannot be written, both {@link #bindAddress} and {@link #bindAnyFreeLoopbackAddress()} were called, the
     *     bind address is not a loopback one without {@link #allowNonLoopbackBindAddress()}, or no loopback
     *     address is free
     */
    public IotHubEmulator start() {
      if (anyFreeLoopbackAddress && bindAddressSet) {
        throw new IllegalStateException("bindAddress(" + bindAddress.getHostAddress() + ") and"
            + " bindAnyFreeLoopbackAddress() conflict: choose one address, or let the emulator find a free one");
      }
      if (!bindAddress.isLoopbackAddress() && !allowNonLoopback) {
        throw new IllegalStateException("bindAddress " + bindAddress.getHostAddress() + " is not a loopback"
            + " address: it would expose the hub to the network; call allowNonLoopbackBindAddress() to allow it");
      }
      return anyFreeLoopbackAddress ? startOnAnyFreeLoopbackAddress() : startOn(bindAddress);
    }

    private IotHubEmulator startOn(InetAddress address) {
      HubLimits effective = tier == null ? limits : limits.toBuilder().tier(tier, units).build();
      return new IotHubEmulator(EmulatorRuntime.start(hubName, List.copyOf(devices.values()), effective, address,
          httpsPort, mqttPort, amqpPort, workDirectory, new Timeouts(handshakeTimeout, requestTimeout, idleTimeout),
          virtualTime == null ? TimeSource.system() : virtualTime));
    }

    private IotHubEmulator startOnAnyFreeLoopbackAddress() {
      return startOnFirstFree(LoopbackAddresses.candidates(),
          a -> LoopbackAddresses.free(a, amqpPort, mqttPort, httpsPort));
    }

    /** Starts on the first candidate the probe finds free and that binds; a lost bind race moves on. */
    IotHubEmulator startOnFirstFree(List<InetAddress> candidates, Predicate<InetAddress> probe) {
      RuntimeException last = null;
      for (InetAddress candidate : candidates) {
        if (!probe.test(candidate)) {
          continue;
        }
        try {
          return startOn(candidate);
        } catch (IllegalStateException e) {
          if (!LoopbackAddresses.isBindFailure(e)) {
            throw e;
          }
          last = e; // taken between the probe and the bind: try the next one
        }
      }
      throw noFreeAddress(List.of(amqpPort, mqttPort, httpsPort), last);
    }

    private static Duration checkTimeout(String field, Duration timeout) {
      Objects.requireNonNull(timeout, field);
      if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
        throw new IllegalArgumentException(field + " must be more than 0 and at most " + MAX_TIMEOUT.toHours()
            + " h, but was " + timeout);
      }
      return timeout;
    }

    private static int checkPort(String field, int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(field + " must be between 0 and 65535, but was " + port);
      }
      return port;
    }
  }
}
