package io.github.iothubcommands.emulator.junit;

import io.github.iothubcommands.HubTier;
import io.github.iothubcommands.emulator.IotHubEmulator;
import java.lang.reflect.Parameter;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Starts one {@link IotHubEmulator} per test class, on a free loopback address from 127.0.0.2 to
 * 127.0.0.254 ({@link IotHubEmulator.Builder#bindAnyFreeLoopbackAddress()}) so that test classes in parallel
 * forks, or in parallel in one JVM, each have their own hub on the SDKs' fixed ports, and closes it after
 * the class. Register it with {@code @ExtendWith} and take what you need as parameters of the constructor
 * (under either test instance lifecycle), {@code @BeforeAll}, {@code @BeforeEach}, test or {@code @AfterEach}
 * methods:
 *
 * <pre>{@code
 * @ExtendWith(IotHubEmulatorExtension.class)
 * @IotHubEmulatorSettings(devices = "d1")
 * class RebootTest {
 *   @Test
 *   void rebootsOverMqtt(IotHubEmulator hub, @DeviceConnectionString("d1") String d1,
 *       @ServiceConnectionString String service) throws Exception {
 *     DeviceClient device = new DeviceClient(d1, IotHubClientProtocol.MQTT,
 *         ClientOptions.builder().sslContext(hub.sslContext()).build());
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>Or on a static field, to configure the builder in code and reach the emulator through the field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final IotHubEmulatorExtension EMULATOR =
 *     IotHubEmulatorExtension.configured(b -> b.devices("d1").limits(HubLimits.custom().queueDepth(5).build()));
 *
 * @Test
 * void sends() {
 *   MessagingClient messaging = new MessagingClient(EMULATOR.serviceConnectionString(), …);
 * }
 * }</pre>
 *
 * <p>Every test of the class, and every {@code @Nested} class without {@link IotHubEmulatorSettings} of its
 * own, sees the same emulator: what one test registers or queues, the next one sees. {@link
 * IotHubEmulatorSettings} on the class applies first, then the code given to {@link #configured}; neither may
 * choose the bind address (the extension does), or the start fails naming both settings. The service SDK's
 * HTTPS clients trust only the JVM default: set it yourself, {@code
 * HttpsURLConnection.setDefaultSSLSocketFactory(hub.sslContext().getSocketFactory())} (with classes running in
 * parallel in one JVM, give it {@link IotHubEmulator#sslContextTrusting} of every emulator).
 */
public final class IotHubEmulatorExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(IotHubEmulatorExtension.class);
  private static final String KEY = "emulator";

  private final Consumer<IotHubEmulator.Builder> configuration;
  private volatile @Nullable IotHubEmulator current;

  /**
   * Creates the extension with no configuration beyond {@link IotHubEmulatorSettings}; JUnit does this for
   * {@code @ExtendWith}.
   */
  public IotHubEmulatorExtension() {
    this(b -> { });
  }

  private IotHubEmulatorExtension(Consumer<IotHubEmulator.Builder> configuration) {
    this.configuration = configuration;
  }

  /**
   * Creates an extension that configures each emulator's builder in code as well, after {@link
   * IotHubEmulatorSettings}; register it on a static field with {@code @RegisterExtension}.
   *
   * @param configuration given the builder before each start; it must not set the bind address
   * @return the extension
   */
  public static IotHubEmulatorExtension configured(Consumer<IotHubEmulator.Builder> configuration) {
    return new IotHubEmulatorExtension(Objects.requireNonNull(configuration, "configuration"));
  }

  /** The emulator a class context owns, so that a nested class can tell its own from its enclosing class's. */
  private record Owned(IotHubEmulator hub, String owner) implements AutoCloseable {
    @Override
    public void close() {
      hub.close();
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    current = emulatorOf(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Owned owned = context.getStore(NAMESPACE).get(KEY, Owned.class);
    if (owned != null && owned.owner().equals(context.getUniqueId())) {
      context.getStore(NAMESPACE).remove(KEY);
      owned.close();
    }
    Owned enclosing = context.getStore(NAMESPACE).get(KEY, Owned.class);
    current = enclosing == null ? null : enclosing.hub();
  }

  /**
   * The class context's emulator, started on first need: in {@code beforeAll}, or earlier for a constructor
   * under {@code @TestInstance(PER_CLASS)} (of a top-level or a {@code @Nested} class). A {@code @Nested}
   * class without settings of its own shares its enclosing class's.
   */
  private IotHubEmulator emulatorOf(ExtensionContext classContext) {
    Owned nearest = classContext.getStore(NAMESPACE).get(KEY, Owned.class);
    if (nearest != null && (nearest.owner().equals(classContext.getUniqueId()) || !ownSettings(classContext))) {
      return nearest.hub();
    }
    IotHubEmulator started = start(classContext, classContext.getTestClass()
        .flatMap(c -> AnnotationSupport.findAnnotation(c, IotHubEmulatorSettings.class)).orElse(null));
    // Closed by afterAll; also by the store if afterAll never runs (JUnit 5.13+ closes AutoCloseable values).
    classContext.getStore(NAMESPACE).put(KEY, new Owned(started, classContext.getUniqueId()));
    return started;
  }

  /** Settings on the class itself or a superclass (never taken from an enclosing class). */
  private static boolean ownSettings(ExtensionContext context) {
    return context.getTestClass().map(c -> c.isAnnotationPresent(IotHubEmulatorSettings.class)).orElse(false);
  }

  private IotHubEmulator start(ExtensionContext context, @Nullable IotHubEmulatorSettings settings) {
    IotHubEmulator.Builder builder = IotHubEmulator.builder();
    try {
      if (settings != null) {
        apply(settings, builder);
      }
    } catch (IllegalArgumentException e) {
      throw new ExtensionConfigurationException("@IotHubEmulatorSettings on "
          + context.getTestClass().map(Class::getSimpleName).orElse(context.getDisplayName()) + ": "
          + e.getMessage(), e);
    }
    configuration.accept(builder);
    return builder.bindAnyFreeLoopbackAddress().start();
  }

  private static void apply(IotHubEmulatorSettings s, IotHubEmulator.Builder b) {
    if (!s.hubName().isEmpty()) {
      b.hubName(s.hubName());
    }
    b.devices(s.devices());
    if (s.tier().length > 1) {
      throw new IllegalArgumentException("tier must be one value, but was " + Arrays.toString(s.tier()));
    }
    if (s.tier().length == 1) {
      HubTier tier = s.tier()[0];
      b.tier(tier, s.units() == IotHubEmulatorSettings.NOT_SET ? 1 : s.units());
    } else if (s.units() != IotHubEmulatorSettings.NOT_SET) {
      throw new IllegalArgumentException("units needs a tier, but only units = " + s.units() + " was set");
    }
    if (s.httpsPort() != IotHubEmulatorSettings.NOT_SET) {
      b.httpsPort(s.httpsPort());
    }
    duration("handshakeTimeout", s.handshakeTimeout(), b::handshakeTimeout);
    duration("requestTimeout", s.requestTimeout(), b::requestTimeout);
    duration("idleTimeout", s.idleTimeout(), b::idleTimeout);
    if (s.virtualTime()) {
      b.virtualTime();
    }
  }

  private static void duration(String name, String value, Function<Duration, IotHubEmulator.Builder> setter) {
    if (value.isEmpty()) {
      return;
    }
    Duration d;
    try {
      d = Duration.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + " must be an ISO-8601 duration such as PT5S, but was '" + value
          + "'", e);
    }
    setter.apply(d);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    Parameter p = parameterContext.getParameter();
    return p.getType() == IotHubEmulator.class || p.getType() == String.class
        && (p.isAnnotationPresent(DeviceConnectionString.class)
            || p.isAnnotationPresent(ServiceConnectionString.class));
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    IotHubEmulator hub;
    if (extensionContext.getTestMethod().isEmpty() && extensionContext.getTestClass().isPresent()) {
      // A class-level context: @BeforeAll/@AfterAll, or a PER_CLASS constructor, which runs before beforeAll,
      // when the nearest emulator in the store may still be the enclosing class's. Decide from this class's
      // settings, starting its own emulator now if it has some.
      hub = emulatorOf(extensionContext);
    } else {
      Owned owned = extensionContext.getStore(NAMESPACE).get(KEY, Owned.class);
      if (owned == null) {
        throw new ParameterResolutionException(notStarted(extensionContext.getDisplayName()));
      }
      hub = owned.hub(); // beforeAll of this class (and of each enclosing one) has run
    }
    Parameter p = parameterContext.getParameter();
    if (p.getType() == IotHubEmulator.class) {
      return hub;
    }
    DeviceConnectionString device = p.getAnnotation(DeviceConnectionString.class);
    if (device == null) {
      return hub.serviceConnectionString();
    }
    try {
      return hub.deviceConnectionString(device.value());
    } catch (IllegalArgumentException e) {
      throw new ParameterResolutionException("@DeviceConnectionString(\"" + device.value() + "\") on "
          + parameterContext.getDeclaringExecutable().getName() + ": " + e.getMessage()
          + "; register it with @IotHubEmulatorSettings(devices = …) or hub.registerDevice", e);
    }
  }

  private static String notStarted(String where) {
    return "IotHubEmulatorExtension has no emulator for " + where + ": it starts one per test class, so register"
        + " it with @ExtendWith on the class or @RegisterExtension on a static field (not an instance field)";
  }

  /**
   * Returns the emulator of the test class running now, for an extension registered on a static field.
   *
   * @return the emulator
   * @throws IllegalStateException outside a test class's run (before {@code @BeforeAll}, after {@code @AfterAll})
   */
  public IotHubEmulator emulator() {
    IotHubEmulator hub = current;
    if (hub == null) {
      throw new IllegalStateException(notStarted("this test class"));
    }
    return hub;
  }

  /**
   * Returns the emulator's service connection string; see {@link IotHubEmulator#serviceConnectionString()}.
   *
   * @return the connection string (a secret of the emulated hub: do not log it)
   * @throws IllegalStateException outside a test class's run
   */
  public String serviceConnectionString() {
    return emulator().serviceConnectionString();
  }

  /**
   * Returns a device's connection string; see {@link IotHubEmulator#deviceConnectionString(String)}.
   *
   * @param deviceId a registered device
   * @return the connection string (a secret of the emulated hub: do not log it)
   * @throws IllegalArgumentException if the device is not registered
   * @throws IllegalStateException outside a test class's run
   */
  public String deviceConnectionString(String deviceId) {
    return emulator().deviceConnectionString(deviceId);
  }

  /**
   * Returns the host for credential-based service HTTPS clients; see {@link IotHubEmulator#httpsHost()}.
   *
   * @return {@code ADDRESS:PORT}
   * @throws IllegalStateException outside a test class's run
   */
  public String httpsHost() {
    return emulator().httpsHost();
  }

  /**
   * Returns a service SAS token; see {@link IotHubEmulator#serviceSasToken()}.
   *
   * @return the token (a secret of the emulated hub: do not log it)
   * @throws IllegalStateException outside a test class's run
   */
  public String serviceSasToken() {
    return emulator().serviceSasToken();
  }

  /**
   * Returns an SSLContext trusting the emulator; see {@link IotHubEmulator#sslContext()}.
   *
   * @return the context
   * @throws IllegalStateException outside a test class's run
   */
  public SSLContext sslContext() {
    return emulator().sslContext();
  }

  @Override
  public String toString() {
    IotHubEmulator hub = current;
    return "IotHubEmulatorExtension{" + (hub == null ? "not started" : hub.toString()) + '}';
  }
}
