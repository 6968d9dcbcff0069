package io.github.iothubcommands.emulator.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

import io.github.iothubcommands.emulator.IotHubEmulator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HashSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherFactory;

/** What {@link IotHubEmulatorExtension} starts, injects and closes, seen by running fixture classes. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class IotHubEmulatorExtensionTest {
  private static volatile boolean running;

  static boolean running() {
    return running;
  }

  /** How a fixture class's run went: tests that passed, and the message of each failure (of a test or the class). */
  private record Outcome(int passed, List<String> failures) {}

  private static synchronized Outcome run(Class<?> fixture) {
    List<String> failures = new CopyOnWriteArrayList<>();
    AtomicInteger passed = new AtomicInteger();
    TestExecutionListener listener = new TestExecutionListener() {
      @Override
      public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        result.getThrowable().ifPresent(t -> failures.add(String.valueOf(t.getMessage())));
        if (id.isTest() && result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
          passed.incrementAndGet();
        }
      }
    };
    running = true;
    try {
      LauncherFactory.create().execute(request().selectors(selectClass(fixture)).build(), listener);
    } finally {
      running = false;
    }
    return new Outcome(passed.get(), List.copyOf(failures));
  }

  private static void assertPasses(Class<?> fixture, int tests) {
    Outcome outcome = run(fixture);
    assertThat(outcome.failures()).as("failures of %s", fixture.getSimpleName()).isEmpty();
    assertThat(outcome.passed()).isEqualTo(tests);
  }

  private static boolean listening(IotHubEmulator hub) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(hub.bindAddress(), hub.mqttPort()), 2_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void oneEmulatorPerClassOnAFreeLoopbackAddressInjectedEverywhereAndClosedAfterTheClass() {
    ExtensionFixtures.ExtendWithParameters.seen.clear();
    assertPasses(ExtensionFixtures.ExtendWithParameters.class, 2);
    List<IotHubEmulator> seen = ExtensionFixtures.ExtendWithParameters.seen;
    assertThat(seen).hasSize(5); // @BeforeAll, a constructor per test, two tests
    assertThat(new HashSet<>(seen)).hasSize(1);
    assertThat(listening(seen.get(0))).as("closed after the class").isFalse();
  }

  @Test
  void staticRegisteredExtensionIsConfiguredInCodeAndGivesItsDetails() {
    ExtensionFixtures.RegisteredOnAStaticField.seen.clear();
    assertPasses(ExtensionFixtures.RegisteredOnAStaticField.class, 1);
    IotHubEmulator hub = ExtensionFixtures.RegisteredOnAStaticField.seen.get(0);
    assertThat(listening(hub)).isFalse();
    assertThatThrownBy(ExtensionFixtures.RegisteredOnAStaticField.EMULATOR::emulator)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("IotHubEmulatorExtension has no emulator for this test class");
  }

  @Test
  void nestedClassesShareTheEnclosingEmulatorUnlessTheyHaveSettingsOfTheirOwn() {
    ExtensionFixtures.WithNested.outer.clear();
    ExtensionFixtures.WithNested.shared.clear();
    ExtensionFixtures.WithNested.own.clear();
    assertPasses(ExtensionFixtures.WithNested.class, 3);
    IotHubEmulator outer = ExtensionFixtures.WithNested.outer.get(0);
    assertThat(ExtensionFixtures.WithNested.shared).containsExactly(outer);
    IotHubEmulator own = ExtensionFixtures.WithNested.own.get(0);
    assertThat(own).isNotSameAs(outer);
    assertThat(listening(outer)).isFalse();
    assertThat(listening(own)).isFalse();
  }

  @Test
  void perClassNestedClassWithItsOwnSettingsGetsItsOwnEmulatorInItsConstructorToo() {
    ExtensionFixtures.WithPerClassNested.outer.clear();
    ExtensionFixtures.WithPerClassNested.own.clear();
    ExtensionFixtures.WithPerClassNested.shared.clear();
    assertPasses(ExtensionFixtures.WithPerClassNested.class, 3);
    IotHubEmulator outer = ExtensionFixtures.WithPerClassNested.outer.get(0);
    List<IotHubEmulator> own = ExtensionFixtures.WithPerClassNested.own;
    assertThat(own).hasSize(3); // constructor, @BeforeAll, test
    assertThat(new HashSet<>(own)).hasSize(1);
    assertThat(own.get(0)).isNotSameAs(outer);
    assertThat(own.get(0).hubName()).isEqualTo("nested-per-class");
    assertThat(ExtensionFixtures.WithPerClassNested.shared).containsExactly(outer, outer);
    assertThat(listening(outer)).isFalse();
    assertThat(listening(own.get(0))).as("closed after the nested class").isFalse();
  }

  @Test
  void perClassLifecycleGetsTheSameEmulatorInItsConstructorAndClosesIt() {
    ExtensionFixtures.PerClassConstructor.seen.clear();
    assertPasses(ExtensionFixtures.PerClassConstructor.class, 1);
    List<IotHubEmulator> seen = ExtensionFixtures.PerClassConstructor.seen;
    assertThat(seen).hasSize(3);
    assertThat(new HashSet<>(seen)).hasSize(1);
    assertThat(listening(seen.get(0))).isFalse();
  }

  @Test
  void virtualTimeSettingRunsTheEmulatorOnAClockTheTestAdvances() {
    ExtensionFixtures.VirtualClock.clock.clear();
    assertPasses(ExtensionFixtures.VirtualClock.class, 1);
    List<Instant> clock = ExtensionFixtures.VirtualClock.clock;
    assertThat(Duration.between(clock.get(0), clock.get(1))).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void invalidSettingsFailTheClassNamingTheRuleAndTheValue() {
    assertThat(run(ExtensionFixtures.BadDuration.class).failures()).containsExactly("@IotHubEmulatorSettings on"
        + " BadDuration: handshakeTimeout must be an ISO-8601 duration such as PT5S, but was '5s'");
    assertThat(run(ExtensionFixtures.UnitsWithoutTier.class).failures()).containsExactly("@IotHubEmulatorSettings on"
        + " UnitsWithoutTier: units needs a tier, but only units = 3 was set");
  }

  @Test
  void anUnregisteredDeviceOrAChosenAddressOrAnInstanceFieldFailsWithTheReason() {
    assertThat(run(ExtensionFixtures.UnknownDevice.class).failures()).singleElement().asString()
        .startsWith("@DeviceConnectionString(\"nope\") on needsAnUnregisteredDevice: deviceId must name a registered"
            + " device, but was 'nope'");
    assertThat(run(ExtensionFixtures.ChoosesItsOwnAddress.class).failures()).containsExactly("bindAddress(127.0.0.9)"
        + " and bindAnyFreeLoopbackAddress() conflict: choose one address, or let the emulator find a free one");
    assertThat(run(ExtensionFixtures.RegisteredOnAnInstanceField.class).failures()).singleElement().asString()
        .startsWith("IotHubEmulatorExtension has no emulator for needsTheEmulator(IotHubEmulator)")
        .contains("@RegisterExtension on a static field");
  }
}
