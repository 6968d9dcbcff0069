package io.github.iothubcommands.emulator.junit;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import io.github.iothubcommands.HubTier;
import io.github.iothubcommands.emulator.IotHubEmulator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Test classes that {@link IotHubEmulatorExtensionTest} runs through the launcher, some failing on purpose.
 * The holder's name keeps Surefire from selecting them, and {@code @EnabledIf} skips them in an IDE (all but
 * {@code PerClassConstructor}: JUnit creates a per-class instance before it evaluates conditions).
 */
final class ExtensionFixtures {
  static final String RUNNING = "io.github.iothubcommands.emulator.junit.IotHubEmulatorExtensionTest#running";

  private ExtensionFixtures() {}

  @ExtendWith(IotHubEmulatorExtension.class)
  @IotHubEmulatorSettings(hubName = "ext-fixture", devices = {"d1", "d2"}, tier = HubTier.S1, units = 2,
      handshakeTimeout = "PT5S")
  @EnabledIf(RUNNING)
  static class ExtendWithParameters {
    static final List<IotHubEmulator> seen = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void beforeAll(IotHubEmulator hub) {
      seen.add(hub);
    }

    ExtendWithParameters(IotHubEmulator hub) {
      seen.add(hub);
    }

    @Test
    void realDeviceClientConnectsWithTheInjectedConnectionString(IotHubEmulator hub,
        @DeviceConnectionString("d1") String d1, @ServiceConnectionString String service) throws Exception {
      seen.add(hub);
      assertThat(hub.hubName()).isEqualTo("ext-fixture");
      assertThat(hub.bindAddress().getHostAddress()).isNotEqualTo("127.0.0.1");
      assertThat(d1).isEqualTo(hub.deviceConnectionString("d1"));
      assertThat(service).isEqualTo(hub.serviceConnectionString());
      DeviceClient device = new DeviceClient(d1, IotHubClientProtocol.MQTT,
          ClientOptions.builder().sslContext(hub.sslContext()).build());
      try {
        device.open(false);
        assertThat(hub.engine().device("d1").orElseThrow().connected()).isTrue();
      } finally {
        device.close();
      }
    }

    @Test
    void secondTestSeesTheSameEmulator(IotHubEmulator hub) {
      seen.add(hub);
      assertThat(hub.deviceConnectionStrings()).containsOnlyKeys("d1", "d2");
    }
  }

  @EnabledIf(RUNNING)
  static class RegisteredOnAStaticField {
    @RegisterExtension
    static final IotHubEmulatorExtension EMULATOR =
        IotHubEmulatorExtension.configured(b -> b.hubName("from-code").devices("x"));
    static final List<IotHubEmulator> seen = new CopyOnWriteArrayList<>();

    @Test
    void theFieldGivesTheEmulatorAndItsConnectionDetails(IotHubEmulator hub) {
      seen.add(hub);
      assertThat(EMULATOR.emulator()).isSameAs(hub);
      assertThat(hub.hubName()).isEqualTo("from-code");
      assertThat(EMULATOR.deviceConnectionString("x")).isEqualTo(hub.deviceConnectionString("x"));
      assertThat(EMULATOR.serviceConnectionString()).isEqualTo(hub.serviceConnectionString());
      assertThat(EMULATOR.httpsHost()).isEqualTo(hub.httpsHost());
      assertThat(EMULATOR.serviceSasToken()).startsWith("SharedAccessSignature sr=" + hub.serviceHost());
      assertThat(EMULATOR.sslContext()).isSameAs(hub.sslContext());
      assertThat(EMULATOR.toString()).contains(hub.bindAddress().getHostAddress()).doesNotContain("SharedAccess");
    }
  }

  @ExtendWith(IotHubEmulatorExtension.class)
  @IotHubEmulatorSettings(devices = "outer")
  @EnabledIf(RUNNING)
  static class WithNested {
    static final List<IotHubEmulator> outer = new CopyOnWriteArrayList<>();
    static final List<IotHubEmulator> shared = new CopyOnWriteArrayList<>();
    static final List<IotHubEmulator> own = new CopyOnWriteArrayList<>();

    @Test
    void outerTest(IotHubEmulator hub) {
      outer.add(hub);
    }

    @Nested
    class WithoutSettings {
      @Test
      void sharesTheEnclosingEmulator(IotHubEmulator hub) {
        shared.add(hub);
        assertThat(hub.deviceConnectionStrings()).containsOnlyKeys("outer");
      }
    }

    @Nested
    @IotHubEmulatorSettings(hubName = "nested-own", devices = "inner")
    class WithOwnSettings {
      @Test
      void hasItsOwnEmulator(IotHubEmulator hub) {
        own.add(hub);
        assertThat(hub.hubName()).isEqualTo("nested-own");
        assertThat(hub.deviceConnectionStrings()).containsOnlyKeys("inner");
      }
    }
  }

  @ExtendWith(IotHubEmulatorExtension.class)
  @IotHubEmulatorSettings(devices = "outer")
  @EnabledIf(RUNNING)
  static class WithPerClassNested {
    static final List<IotHubEmulator> outer = new CopyOnWriteArrayList<>();
    static final List<IotHubEmulator> own = new CopyOnWriteArrayList<>();
    static final List<IotHubEmulator> shared = new CopyOnWriteArrayList<>();

    @Test
    void outerTest(IotHubEmulator hub) {
      outer.add(hub);
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @IotHubEmulatorSettings(hubName = "nested-per-class", devices = "inner")
    class OwnSettings {
      OwnSettings(IotHubEmulator hub) { // created before this class's beforeAll callbacks run
        own.add(hub);
      }

      @BeforeAll
      void beforeAll(IotHubEmulator hub) {
        own.add(hub);
      }

      @Test
      void test(IotHubEmulator hub, @DeviceConnectionString("inner") String inner) {
        own.add(hub);
        assertThat(hub.hubName()).isEqualTo("nested-per-class");
        assertThat(inner).isEqualTo(hub.deviceConnectionString("inner"));
      }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class NoSettings {
      NoSettings(IotHubEmulator hub) {
        shared.add(hub);
      }

      @Test
      void test(IotHubEmulator hub) {
        shared.add(hub);
      }
    }
  }

  @ExtendWith(IotHubEmulatorExtension.class)
  @IotHubEmulatorSettings(devices = "pc")
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  @EnabledIf(RUNNING)
  static class PerClassConstructor {
    static final List<IotHubEmulator> seen = new CopyOnWriteArrayList<>();

    PerClassConstructor(IotHubEmulator hub) { // created before beforeAll callbacks run
      seen.add(hub);
    }

    @BeforeAll
    void beforeAll(IotHubEmulator hub) {
      seen.add(hub);
    }

    @Test
    void test(IotHubEmulator hub, @DeviceConnectionString("pc") String pc) {
      seen.add(hub);
      assertThat(pc).isEqualTo(hub.deviceConnectionString("pc"));
    }
  }

  @ExtendWith(IotHubEmulatorExtension.class)
  @IotHubEmulatorSettings(devices = "vt", virtualTime = true)
  @EnabledIf(RUNNING)
  static class VirtualClock {
    static final List<Instant> clock = new CopyOnWriteArrayList<>();

    @Test
    void advancesTheClock(IotHubEmulator hub) {
      assertThat(hub.admin().isClockVirtual()).isTrue();
      clock.add(hub.admin().clock());
      clock.add(hub.admin().advanceClock(Duration.ofHours(2)));
    }
  }

  @ExtendWith(IotHubEmulatorExtension.class)
  @IotHubEmulatorSettings(handshakeTimeout = "5s")
  @EnabledIf(RUNNING)
  static class BadDuration {
    @Test
    void never() {}
  }

  @ExtendWith(IotHubEmulatorExtension.class)
  @IotHubEmulatorSettings(units = 3)
  @EnabledIf(RUNNING)
  static class UnitsWithoutTier {
    @Test
    void never() {}
  }

  @ExtendWith(IotHubEmulatorExtension.class)
  @EnabledIf(RUNNING)
  static class UnknownDevice {
    @Test
    void needsAnUnregisteredDevice(@DeviceConnectionString("nope") String cs) {}
  }

  @EnabledIf(RUNNING)
  static class ChoosesItsOwnAddress {
    @RegisterExtension
    static final IotHubEmulatorExtension EMULATOR = IotHubEmulatorExtension.configured(b -> b.bindAddress("127.0.0.9"));

    @Test
    void never() {}
  }

  @EnabledIf(RUNNING)
  static class RegisteredOnAnInstanceField {
    @RegisterExtension
    final IotHubEmulatorExtension emulator = new IotHubEmulatorExtension();

    @Test
    void needsTheEmulator(IotHubEmulator hub) {}
  }
}
