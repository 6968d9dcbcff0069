package io.github.iothubcommands.testkit.junit;

import io.github.iothubcommands.testkit.FakeHub;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Gives each test a fresh {@link FakeHub} and closes it after the test. Declare a {@code FakeHub} parameter
 * on a test method, on a {@code @BeforeEach} / {@code @AfterEach} method, or on the test class's constructor:
 * within one test they all receive the same hub, and the next test gets a new one.
 *
 * <pre>{@code
 * @ExtendWith(FakeHubExtension.class)
 * class ThermostatTest {
 *   private final FakeHub hub;
 *   private final CommandClient client;
 *
 *   ThermostatTest(FakeHub hub) {                    // a new hub for every test
 *     this.hub = hub;
 *     this.client = CommandClient.builder().transport(hub.transport()).build();
 *   }
 *
 *   @Test
 *   void setsTarget() { ... }
 *
 *   @Test
 *   @FakeHubSettings(queueDepth = 1)                 // this test's hub holds one message per device
 *   void refusesASecondSetpoint(FakeHub sameHub) { ... }
 * }
 * }</pre>
 *
 * <p>The hub runs on virtual time with IoT Hub's default limits and {@link FakeHub#DEFAULT_RECORD_LIMIT}
 * unless {@link FakeHubSettings} on the method, its class or an enclosing class says otherwise.
 *
 * <p>Constructor injection needs the default lifecycle (a test instance per test method): with
 * {@code @TestInstance(Lifecycle.PER_CLASS)}, or in a {@code @BeforeAll} method, there is no single test to
 * give a hub to, so the parameter is refused with an explanation; declare it on the test methods instead.
 * Needs JUnit Jupiter 5.12 or later (the constructor receives the test method's context).
 */
public final class FakeHubExtension implements ParameterResolver, AfterEachCallback {
  private static final String KEY = "hub";
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(FakeHubExtension.class);

  /** Creates the extension; JUnit does this for {@code @ExtendWith}. */
  public FakeHubExtension() {}

  /**
   * Asks JUnit to create each test instance within its test method's context, so that a hub injected into
   * the constructor belongs to that one test (and is closed after it) rather than to the class.
   *
   * @param rootContext the root context
   * @return {@link ExtensionContextScope#TEST_METHOD}
   */
  @Override
  public ExtensionContextScope getTestInstantiationExtensionContextScope(ExtensionContext rootContext) {
    return ExtensionContextScope.TEST_METHOD;
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == FakeHub.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    if (extensionContext.getTestMethod().isEmpty()) {
      throw new ParameterResolutionException("FakeHubExtension gives each test its own hub, but "
          + parameterContext.getDeclaringExecutable() + " runs once for all the tests of "
          + extensionContext.getDisplayName() + " (a @BeforeAll method, or a constructor under "
          + "@TestInstance(PER_CLASS)); declare the FakeHub parameter on the test methods or @BeforeEach instead");
    }
    return extensionContext.getStore(NAMESPACE).getOrComputeIfAbsent(KEY, key -> newHub(extensionContext),
        FakeHub.class);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    FakeHub hub = context.getStore(NAMESPACE).remove(KEY, FakeHub.class);
    if (hub != null) {
      hub.close();
    }
  }

  private static FakeHub newHub(ExtensionContext context) {
    List<FakeHubSettings> nearestFirst = new ArrayList<>();
    for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
      c.get().getElement().flatMap(e -> AnnotationSupport.findAnnotation(e, FakeHubSettings.class))
          .ifPresent(nearestFirst::add);
    }
    try {
      return new HubSettings(nearestFirst).newHub();
    } catch (IllegalArgumentException e) {
      String test = context.getTestMethod().map(FakeHubExtension::name).orElse(context.getDisplayName());
      throw new ParameterResolutionException("@FakeHubSettings for " + test + ": " + e.getMessage(), e);
    }
  }

  private static String name(Method m) {
    return m.getDeclaringClass().getSimpleName() + "." + m.getName() + "()";
  }
}
