package io.github.iothubcommands.testkit.junit;

import io.github.iothubcommands.testkit.FakeHub;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects a fresh {@link FakeHub} (virtual time, default limits) into each test method or constructor that
 * declares one (one hub per test, shared by all its parameters), and closes it after the test.
 *
 * <pre>{@code
 * @ExtendWith(FakeHubExtension.class)
 * class ThermostatTest {
 *   @Test
 *   void setsTarget(FakeHub hub) { ... }
 * }
 * }</pre>
 */
public final class FakeHubExtension implements ParameterResolver, AfterEachCallback {
  private static final String KEY = "hub";
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(FakeHubExtension.class);

  /** Creates the extension; JUnit does this for {@code @ExtendWith}. */
  public FakeHubExtension() {}

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == FakeHub.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return extensionContext.getStore(NAMESPACE).getOrComputeIfAbsent(KEY, key -> FakeHub.create(), FakeHub.class);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    FakeHub hub = context.getStore(NAMESPACE).remove(KEY, FakeHub.class);
    if (hub != null) {
      hub.close();
    }
  }
}
