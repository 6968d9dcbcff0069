package io.github.iothubcommands.testkit.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubcommands.testkit.FakeHub;
import io.github.iothubcommands.engine.VirtualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FakeHubExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FakeHubExtensionTest {
  private static final List<FakeHub> seen = new ArrayList<>();

  @Test
  @Order(1)
  void injectsAHubOnVirtualTime(FakeHub hub) {
    seen.add(hub);
    hub.advance(Duration.ofHours(1));
    assertThat(hub.now()).isEqualTo(VirtualTime.DEFAULT_START.plus(Duration.ofHours(1)));
  }

  @Test
  @Order(2)
  void eachTestGetsAFreshHubAndTheLastOneWasClosed(FakeHub hub) {
    seen.add(hub);
    assertThat(hub.now()).isEqualTo(VirtualTime.DEFAULT_START);
    assertThat(seen.get(0)).isNotSameAs(hub);
    assertThat(seen.get(0).device("d1").isConnected()).isFalse();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> seen.get(0).device("d1").connect())
        .hasMessageContaining("hub engine is closed");
  }

  @AfterAll
  static void sawTwoHubs() {
    assertThat(seen).hasSize(2);
  }
}
