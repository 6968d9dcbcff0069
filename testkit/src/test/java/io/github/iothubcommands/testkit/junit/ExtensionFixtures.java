package io.github.iothubcommands.testkit.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubcommands.engine.VirtualTime;
import io.github.iothubcommands.testkit.FakeHub;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Test classes that {@link FakeHubExtensionTest} runs through {@link TestRuns}, some of which fail on
 * purpose. The holder's name keeps Surefire from selecting them, and {@code @EnabledIf(TestRuns.RUNNING)}
 * skips them when an IDE does; only {@code PerClassConstructor} cannot be skipped that way (JUnit creates
 * a per-class instance before it evaluates conditions).
 */
final class ExtensionFixtures {
  private ExtensionFixtures() {}

  @ExtendWith(FakeHubExtension.class)
  @EnabledIf(TestRuns.RUNNING)
  static class ConstructorInjected {
    static final List<FakeHub> hubs = new CopyOnWriteArrayList<>();
    private final FakeHub hub;

    ConstructorInjected(FakeHub hub) {
      this.hub = hub;
      hubs.add(hub);
    }

    @Test
    void first(FakeHub parameter) {
      assertThat(parameter).isSameAs(hub);
      hub.device("d1").connect();
    }

    @RepeatedTest(2)
    void repeated() {
      assertThat(hub.now()).isEqualTo(VirtualTime.DEFAULT_START);
      hub.advance(Duration.ofMinutes(1));
      hub.device("d1").connect();
    }
  }

  @ExtendWith(FakeHubExtension.class)
  @EnabledIf(TestRuns.RUNNING)
  static class SharedWithinATest {
    static final List<FakeHub> hubs = new CopyOnWriteArrayList<>();
    final FakeHub outerHub;
    FakeHub setUpHub;

    SharedWithinATest(FakeHub hub) {
      this.outerHub = hub;
    }

    @BeforeEach
    void setUp(FakeHub hub) {
      setUpHub = hub;
    }

    @Nested
    class Inner {
      final FakeHub innerHub;

      Inner(FakeHub hub) {
        this.innerHub = hub;
      }

      @Test
      void first(FakeHub hub) {
        assertThat(hub).isSameAs(innerHub).isSameAs(setUpHub).isSameAs(outerHub);
        hubs.add(hub);
      }

      @Test
      void second(FakeHub hub) {
        assertThat(hub).isSameAs(innerHub).isSameAs(setUpHub).isSameAs(outerHub);
        hubs.add(hub);
      }
    }
  }

  @ExtendWith(FakeHubExtension.class)
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  static class PerClassConstructor {
    PerClassConstructor(FakeHub hub) {}

    @Test
    void test() {}
  }

  @ExtendWith(FakeHubExtension.class)
  @EnabledIf(TestRuns.RUNNING)
  static class BeforeAllParameter {
    @BeforeAll
    static void setUp(FakeHub hub) {}

    @Test
    void test() {}
  }

  @ExtendWith(FakeHubExtension.class)
  @EnabledIf(TestRuns.RUNNING)
  static class InvalidSettings {
    @Test
    @FakeHubSettings(queueDepth = 0)
    void zeroQueueDepth(FakeHub hub) {}

    @Test
    @FakeHubSettings(feedbackBatchInterval = "15s")
    void unreadableDuration(FakeHub hub) {}

    @Test
    @FakeHubSettings(recordLimit = -2)
    void negativeRecordLimit(FakeHub hub) {}
  }
}
