package io.github.iothubcommands.testkit.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubcommands.engine.VirtualTime;
import io.github.iothubcommands.testkit.FakeHub;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

@ExtendWith(FakeHubExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(30)
class FakeHubExtensionTest {
  private static final List<FakeHub> seen = new CopyOnWriteArrayList<>();

  @Test
  @Order(1)
  void injectsAHubOnVirtualTime(FakeHub hub) {
    seen.add(hub);
    hub.advance(Duration.ofHours(1));
    assertThat(hub.now()).isEqualTo(VirtualTime.DEFAULT_START.plus(Duration.ofHours(1)));
    assertThat(hub.recordLimit()).isEqualTo(FakeHub.DEFAULT_RECORD_LIMIT);
  }

  @Test
  @Order(2)
  void eachTestGetsAFreshHubAndTheLastOneWasClosed(FakeHub hub) {
    seen.add(hub);
    assertThat(hub.now()).isEqualTo(VirtualTime.DEFAULT_START);
    assertThat(seen.get(0)).isNotSameAs(hub);
    assertThat(seen.get(0).device("d1").isConnected()).isFalse();
    assertThatThrownBy(() -> seen.get(0).device("d1").connect()).hasMessageContaining("hub engine is closed");
  }

  @AfterAll
  static void sawTwoHubs() {
    assertThat(seen).hasSize(2);
  }

  @Test
  void constructorInjectionGivesEachTestItsOwnHubAndClosesItAfterTheTest() {
    ExtensionFixtures.ConstructorInjected.hubs.clear();
    TestRuns.assertPasses(ExtensionFixtures.ConstructorInjected.class, 3);
    assertThat(ExtensionFixtures.ConstructorInjected.hubs).hasSize(3).doesNotHaveDuplicates()
        .allSatisfy(hub -> assertThatThrownBy(() -> hub.device("d1").connect())
            .hasMessageContaining("hub engine is closed"));
  }

  @Test
  void theConstructorTheSetUpAndTheTestShareOneHubPerTest() {
    ExtensionFixtures.SharedWithinATest.hubs.clear();
    TestRuns.assertPasses(ExtensionFixtures.SharedWithinATest.class, 2);
    assertThat(ExtensionFixtures.SharedWithinATest.hubs).hasSize(2).doesNotHaveDuplicates();
  }

  @Test
  void aHubForTheWholeClassIsRefusedWithAnExplanation() {
    TestExecutionSummary perClass = TestRuns.run(ExtensionFixtures.PerClassConstructor.class);
    assertThat(TestRuns.failureMessages(perClass)).singleElement().asString()
        .contains("FakeHubExtension gives each test its own hub")
        .contains("a constructor under @TestInstance(PER_CLASS)")
        .contains("declare the FakeHub parameter on the test methods");

    TestExecutionSummary beforeAll = TestRuns.run(ExtensionFixtures.BeforeAllParameter.class);
    assertThat(TestRuns.failureMessages(beforeAll)).singleElement().asString()
        .contains("FakeHubExtension gives each test its own hub").contains("BeforeAllParameter.setUp");
  }
}
