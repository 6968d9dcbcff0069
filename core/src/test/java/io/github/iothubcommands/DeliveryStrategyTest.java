package io.github.iothubcommands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeliveryStrategyTest {

  @Test
  void cloudToDeviceDefaultsToOneHourAndFullAck() {
    CloudToDevice c2d = DeliveryStrategy.cloudToDevice();
    assertThat(c2d.timeToLive()).isEqualTo(Duration.ofHours(1));
    assertThat(c2d.acknowledgement()).isEqualTo(Acknowledgement.FULL);
  }

  @Test
  void timeToLiveIsAtMostTwoDays() {
    assertThat(CloudToDevice.custom().timeToLive(Duration.ofDays(2)).build().timeToLive()).isEqualTo(Duration.ofDays(2));
    assertThatThrownBy(() -> CloudToDevice.custom().timeToLive(Duration.ofDays(2).plusSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeToLive must be between 0.001 s and 172800 s, but was 172801 s");
    assertThatThrownBy(() -> CloudToDevice.custom().timeToLive(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CloudToDevice.custom().timeToLive(null))
        .hasMessage("timeToLive must not be null");
  }

  @Test
  void directMethodDefaultsToNoConnectWaitAndThirtySeconds() {
    DirectMethod m = DeliveryStrategy.directMethod();
    assertThat(m.connectTimeout()).isZero();
    assertThat(m.responseTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void directMethodTimeoutsFollowTheHubsRanges() {
    assertThatThrownBy(() -> DirectMethod.custom().responseTimeout(Duration.ofSeconds(400)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("responseTimeout must be between 5 s and 300 s, but was 400 s");
    assertThatThrownBy(() -> DirectMethod.custom().responseTimeout(Duration.ofSeconds(4)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DirectMethod.custom().connectTimeout(Duration.ofSeconds(301)))
        .hasMessage("connectTimeout must be between 0 s and 300 s, but was 301 s");
    assertThatThrownBy(() -> DirectMethod.custom().connectTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DirectMethod.custom().responseTimeout(Duration.ofMillis(5500)))
        .hasMessageStartingWith("responseTimeout must be a whole number of seconds");
    DirectMethod edge = DirectMethod.custom().connectTimeout(Duration.ofSeconds(300))
        .responseTimeout(Duration.ofSeconds(5)).build();
    assertThat(edge.toBuilder().build()).isEqualTo(edge);
  }

  @Test
  void ackWireValuesParse() {
    for (Acknowledgement a : Acknowledgement.values()) {
      assertThat(Acknowledgement.fromWireValue(a.wireValue().toUpperCase())).isEqualTo(a);
    }
    assertThatThrownBy(() -> Acknowledgement.fromWireValue("maybe")).hasMessageContaining("'maybe'");
  }
}
