package io.github.iothubcommands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class HubQuotaTest {

  @Test
  void s1TimesTenTakesAThousandSendsAMinuteAndFourHundredSmallCallsASecond() {
    HubQuota quota = HubQuota.of(HubTier.S1, 10);
    assertThat(quota.cloudToDeviceSendsPerSecond()).isCloseTo(1000 / 60.0, within(1e-12));
    assertThat(quota.methodBytesPerSecond()).isEqualTo(10L * 160 * 1024);
    assertThat(quota.methodCallsPerSecond(200)).isCloseTo(400, within(1e-9));
    assertThat(quota).hasToString("S1 x 10").isEqualTo(HubQuota.of(HubTier.S1, 10))
        .isNotEqualTo(HubQuota.of(HubTier.S2, 10)).hasSameHashCodeAs(HubQuota.of(HubTier.S1, 10));
  }

  @Test
  void eachTierFollowsTheQuotasPage() {
    assertThat(HubQuota.of(HubTier.F1, 1).cloudToDeviceSendsPerSecond()).isCloseTo(100 / 60.0, within(1e-12));
    assertThat(HubQuota.of(HubTier.S2, 1).methodBytesPerSecond()).isEqualTo(480 * 1024);
    assertThat(HubQuota.of(HubTier.S3, 2).cloudToDeviceSendsPerSecond()).isCloseTo(10_000 / 60.0, within(1e-9));
    assertThat(HubQuota.of(HubTier.S3, 1).methodCallsPerSecond(0)).isCloseTo(6144, within(1e-9));
  }

  @Test
  void aCallCostsItsPayloadInWholeFourKilobyteMetersAndAtLeastOne() {
    assertThat(HubQuota.methodMeters(0)).isEqualTo(1);
    assertThat(HubQuota.methodMeters(4096)).isEqualTo(1);
    assertThat(HubQuota.methodMeters(4097)).isEqualTo(2);
    assertThat(HubQuota.methodMeters(128 * 1024)).isEqualTo(32);
    assertThat(HubQuota.of(HubTier.S1, 1).methodCallsPerSecond(5 * 1024)).isCloseTo(20, within(1e-9));
    assertThatThrownBy(() -> HubQuota.methodMeters(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("payloadBytes must not be negative, but was -1");
  }

  @Test
  void unitsOutsideTheTiersRangeAreRefused() {
    assertThatThrownBy(() -> HubQuota.of(HubTier.F1, 2)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("units must be 1 for F1, but was 2");
    assertThatThrownBy(() -> HubQuota.of(HubTier.S1, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("units must be between 1 and 200 for S1, but was 0");
    assertThatThrownBy(() -> HubQuota.of(HubTier.S3, 201)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("units must be between 1 and 200 for S3, but was 201");
    assertThatThrownBy(() -> HubQuota.of(null, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tier must not be null");
  }
}
