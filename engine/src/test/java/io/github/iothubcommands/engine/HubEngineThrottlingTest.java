package io.github.iothubcommands.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.HubError;
import io.github.iothubcommands.HubException;
import io.github.iothubcommands.HubQuota;
import io.github.iothubcommands.HubTier;
import io.github.iothubcommands.MethodResponse;
import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.MethodInvocation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** IoT Hub's quotas per tier as token buckets on virtual time: C2D sends and metered direct method traffic. */
@Timeout(10)
class HubEngineThrottlingTest {
  private final VirtualTime time = new VirtualTime();
  private final HubEngineTest.ManualDevice device = new HubEngineTest.ManualDevice();
  private final List<CloudToDeviceMessage> enqueued = new CopyOnWriteArrayList<>();
  private int sent;

  private HubEngine engine(HubLimits.Builder limits) {
    HubEngine engine = new HubEngine(limits.queueDepth(1000).build(), time);
    engine.registerDevice("d1", null, null);
    engine.addObserver(new HubObserver() {
      @Override
      public void messageEnqueued(CloudToDeviceMessage message) {
        enqueued.add(message);
      }
    });
    return engine;
  }

  private CloudToDeviceMessage message() {
    return CloudToDeviceMessage.builder().deviceId("d1").messageId("m" + (++sent))
        .payload("{}".getBytes(StandardCharsets.UTF_8), "application/json").properties(Map.of())
        .acknowledgement(Acknowledgement.NONE).expiryTime(time.now().plus(Duration.ofHours(1))).build();
  }

  private static MethodInvocation call(int payloadBytes) {
    String payload = payloadBytes <= 2 ? "{}" : "\"" + "a".repeat(payloadBytes - 2) + "\"";
    return MethodInvocation.builder().deviceId("d1").methodName("m").payloadJson(payload)
        .connectTimeout(Duration.ZERO).responseTimeout(Duration.ofSeconds(30)).build();
  }

  private static void assertThrottled(Throwable e) {
    assertThat(e).isInstanceOfSatisfying(HubException.class, h -> {
      assertThat(h.error()).isEqualTo(HubError.THROTTLED);
      assertThat(h.errorCode()).isEqualTo(429001);
      assertThat(h.httpStatus()).isEqualTo(429);
      assertThat(h.deviceId()).contains("d1");
    });
  }

  private static void assertThrottled(CompletableFuture<MethodResponse> f) {
    assertThat(f).isCompletedExceptionally();
    assertThrottled(f.handle((v, e) -> e).join());
  }

  @Test
  void theDefaultLimitsDoNotThrottle() {
    assertThat(HubLimits.ofDefaults().tier()).isEmpty();
    assertThat(HubLimits.ofDefaults().units()).isZero();
    assertThat(HubLimits.ofDefaults().cloudToDeviceSendsPerSecond()).isEmpty();
    assertThat(HubLimits.ofDefaults().methodBytesPerSecond()).isEmpty();
    HubEngine engine = engine(HubLimits.custom());
    engine.connect("d1", device).subscribeMethods();
    for (int i = 0; i < 1000; i++) {
      engine.enqueue(message());
      assertThat(engine.invoke(call(8 * 1024))).isNotDone();
    }
    assertThat(enqueued).hasSize(1000);
    assertThat(device.calls).hasSize(1000);
  }

  @Test
  void aTierSetsTheQuotasPageRatesTimesTheUnits() {
    HubLimits s1 = HubLimits.custom().tier(HubTier.S1, 2).build();
    assertThat(s1.tier()).contains(HubTier.S1);
    assertThat(s1.units()).isEqualTo(2);
    assertThat(s1.cloudToDeviceSendsPerSecond().getAsDouble()).isCloseTo(200 / 60.0, within(1e-12));
    assertThat(s1.methodBytesPerSecond()).hasValue(2 * 160 * 1024);
    HubLimits s2 = HubLimits.custom().tier(HubTier.S2, 1).build();
    assertThat(s2.cloudToDeviceSendsPerSecond().getAsDouble()).isCloseTo(100 / 60.0, within(1e-12));
    assertThat(s2.methodBytesPerSecond()).hasValue(480 * 1024);
    HubLimits s3 = HubLimits.custom().tier(HubTier.S3, 3).build();
    assertThat(s3.cloudToDeviceSendsPerSecond().getAsDouble()).isCloseTo(3 * 5000 / 60.0, within(1e-9));
    assertThat(s3.methodBytesPerSecond()).hasValue(3L * 24 * 1024 * 1024);
    HubLimits f1 = HubLimits.custom().tier(HubTier.F1, 1).build();
    assertThat(f1.cloudToDeviceSendsPerSecond()).isEqualTo(HubLimits.custom().tier(HubTier.S1, 1).build()
        .cloudToDeviceSendsPerSecond());
    assertThat(f1.methodBytesPerSecond()).hasValue(160 * 1024);
    assertThat(f1.methodMeterBytes()).isEqualTo(4096);
    assertThat(f1.throttleBurst()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void theLimitsTakeTheirRatesFromTheCoresQuotaTable() {
    HubLimits s1 = HubLimits.custom().tier(HubTier.S1, 10).build();
    assertThat(s1.quota()).contains(HubQuota.of(HubTier.S1, 10));
    assertThat(s1.cloudToDeviceSendsPerSecond()).hasValue(HubQuota.of(HubTier.S1, 10).cloudToDeviceSendsPerSecond());
    assertThat(s1.methodBytesPerSecond()).hasValue(HubQuota.of(HubTier.S1, 10).methodBytesPerSecond());
    assertThat(HubLimits.DEFAULT_METHOD_METER_BYTES).isEqualTo(HubQuota.METHOD_METER_BYTES);
    assertThat(HubLimits.ofDefaults().quota()).isEmpty();
  }

  @Test
  void unitsOutsideTheTiersRangeAreRefused() {
    assertThatThrownBy(() -> HubLimits.custom().tier(HubTier.F1, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("units must be 1 for F1, but was 2");
    assertThatThrownBy(() -> HubLimits.custom().tier(HubTier.S1, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("units must be between 1 and 200 for S1, but was 0");
    assertThatThrownBy(() -> HubLimits.custom().tier(HubTier.S3, 201))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("units must be between 1 and 200 for S3, but was 201");
    assertThat(HubLimits.custom().tier(HubTier.S2, 200).build().units()).isEqualTo(200);
  }

  @Test
  void aRateOverrideWinsOverTheTierWhicheverIsSetFirstAndUnthrottledClearsBoth() {
    HubLimits a = HubLimits.custom().cloudToDeviceSendsPerSecond(10).tier(HubTier.S1, 1).build();
    HubLimits b = HubLimits.custom().tier(HubTier.S1, 1).cloudToDeviceSendsPerSecond(10).build();
    assertThat(a).isEqualTo(b);
    assertThat(a.cloudToDeviceSendsPerSecond()).hasValue(10);
    assertThat(a.methodBytesPerSecond()).hasValue(160 * 1024);
    assertThat(a.toBuilder().unthrottled().build()).isEqualTo(HubLimits.ofDefaults());
    assertThat(HubLimits.custom().methodBytesPerSecond(8192).build().tier()).isEmpty();
  }

  @Test
  void aBucketThatCannotHoldOneOperationIsRefusedAtBuild() {
    assertThatThrownBy(() -> HubLimits.custom().cloudToDeviceSendsPerSecond(0.5).throttleBurst(Duration.ofSeconds(1))
        .build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("must allow at least one send");
    assertThatThrownBy(() -> HubLimits.custom().methodBytesPerSecond(1000).throttleBurst(Duration.ofSeconds(4))
        .build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("at least one methodMeterBytes");
    assertThatThrownBy(() -> HubLimits.custom().cloudToDeviceSendsPerSecond(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cloudToDeviceSendsPerSecond must be positive and finite, but was NaN");
  }

  @Test
  void the101stCloudToDeviceSendWithinAMinuteOnOneS1UnitIsThrottledAndNotQueued() {
    HubEngine engine = engine(HubLimits.custom().tier(HubTier.S1, 1));
    for (int i = 0; i < 100; i++) {
      engine.enqueue(message());
    }
    time.advance(Duration.ofMillis(500)); // not yet a whole send earned back (100/min = one per 600 ms)

    CloudToDeviceMessage over = message();
    assertThatThrownBy(() -> engine.enqueue(over)).satisfies(HubEngineThrottlingTest::assertThrottled)
        .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.commandId()).contains(over.messageId()))
        .hasMessageContaining("429001").hasMessageContaining("S1 x 1");
    assertThat(engine.device("d1").orElseThrow().cloudToDeviceMessageCount()).isEqualTo(100);
    assertThat(enqueued).hasSize(100).doesNotContain(over);
  }

  @Test
  void theCloudToDeviceBucketRefillsAtTheTiersRateUpToItsBurst() {
    HubEngine engine = engine(HubLimits.custom().tier(HubTier.S1, 1));
    for (int i = 0; i < 100; i++) {
      engine.enqueue(message());
    }
    assertThatThrownBy(() -> engine.enqueue(message())).satisfies(HubEngineThrottlingTest::assertThrottled);

    time.advance(Duration.ofMillis(600)); // one send earned back
    engine.enqueue(message());
    assertThatThrownBy(() -> engine.enqueue(message())).satisfies(HubEngineThrottlingTest::assertThrottled);

    time.advance(Duration.ofHours(1)); // full again, but never more than the burst
    for (int i = 0; i < 100; i++) {
      engine.enqueue(message());
    }
    assertThatThrownBy(() -> engine.enqueue(message())).satisfies(HubEngineThrottlingTest::assertThrottled);
    assertThat(enqueued).hasSize(201);
  }

  @Test
  void theBurstIsConfigurable() {
    HubEngine engine = engine(HubLimits.custom().tier(HubTier.S3, 1).throttleBurst(Duration.ofSeconds(1)));
    for (int i = 0; i < 83; i++) { // 5,000/min = 83.33 per second
      engine.enqueue(message());
    }
    assertThatThrownBy(() -> engine.enqueue(message())).satisfies(HubEngineThrottlingTest::assertThrottled);
  }

  @Test
  void the41stSmallDirectMethodCallWithinASecondBurstOnOneS1UnitIsThrottledAndNeverDispatched() {
    HubEngine engine = engine(HubLimits.custom().tier(HubTier.S1, 1).throttleBurst(Duration.ofSeconds(1)));
    engine.connect("d1", device).subscribeMethods();
    for (int i = 0; i < 40; i++) { // 160 KB/s in 4 KB meters: 40 calls of up to 4 KB
      assertThat(engine.invoke(call(4096))).isNotDone();
    }
    CompletableFuture<MethodResponse> over = engine.invoke(call(10));
    assertThrottled(over);
    assertThat(device.calls).hasSize(40);

    time.advance(Duration.ofMillis(25)); // one meter earned back (40 per second)
    assertThat(engine.invoke(call(10))).isNotDone();
    assertThrottled(engine.invoke(call(10)));
    assertThat(device.calls).hasSize(41);
  }

  @Test
  void aDirectMethodCallCostsItsRequestPayloadRoundedUpToWholeMeters() {
    HubEngine engine = engine(HubLimits.custom().tier(HubTier.S1, 1).throttleBurst(Duration.ofSeconds(1)));
    for (int i = 0; i < 20; i++) { // 4,097 bytes cost two meters: 20 calls fill the 40
      assertThat(engine.invoke(call(4097))).isCompletedExceptionally(); // offline, but metered
    }
    assertThrottled(engine.invoke(call(1)));

    time.advance(Duration.ofSeconds(1)); // 40 meters again: one 128 KB call costs 32 of them
    CompletableFuture<MethodResponse> big = engine.invoke(call(128 * 1024));
    assertThat(big.handle((v, e) -> ((HubException) e).error()).join()).isEqualTo(HubError.DEVICE_NOT_ONLINE);
    assertThrottled(engine.invoke(call(9 * 4096)));
  }

  @Test
  void aCallCostingMoreThanTheWholeBucketPassesWhenTheBucketIsFullAndLeavesItInDebt() {
    // 8 KB/s with a 1 s burst: the bucket holds 2 meters, a 128 KB call costs 32
    HubEngine engine = engine(HubLimits.custom().methodBytesPerSecond(8192).throttleBurst(Duration.ofSeconds(1)));
    CompletableFuture<MethodResponse> big = engine.invoke(call(128 * 1024));
    assertThat(big.handle((v, e) -> ((HubException) e).error()).join())
        .as("admitted (then offline), not throttled forever").isEqualTo(HubError.DEVICE_NOT_ONLINE);
    assertThrottled(engine.invoke(call(1)));

    time.advance(Duration.ofSeconds(15)); // 30 meters earned back: still 1 short of the 31 owed
    assertThrottled(engine.invoke(call(1)));
    time.advance(Duration.ofMillis(500));
    assertThat(engine.invoke(call(1)).handle((v, e) -> ((HubException) e).error()).join())
        .as("the debt is paid").isEqualTo(HubError.DEVICE_NOT_ONLINE);
  }

  @Test
  void aMethodCallRefusedForAnotherReasonBeforeTheThrottleCostsNothing() {
    HubEngine engine = engine(HubLimits.custom().methodBytesPerSecond(4096).throttleBurst(Duration.ofSeconds(1)));
    MethodInvocation badTimeout = MethodInvocation.builder().deviceId("d1").methodName("m").payloadJson("1")
        .connectTimeout(Duration.ZERO).responseTimeout(Duration.ofSeconds(1)).build();
    assertThat(engine.invoke(badTimeout).handle((v, e) -> ((HubException) e).error()).join())
        .isEqualTo(HubError.BAD_REQUEST);
    assertThat(engine.invoke(call(1)).handle((v, e) -> ((HubException) e).error()).join())
        .as("the one meter is still there").isEqualTo(HubError.DEVICE_NOT_ONLINE);
    assertThrottled(engine.invoke(call(1)));
  }
}
