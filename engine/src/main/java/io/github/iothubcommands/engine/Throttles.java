package io.github.iothubcommands.engine;

import io.github.iothubcommands.HubError;
import io.github.iothubcommands.HubException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The hub's operation throttles: one token bucket for cloud-to-device sends, one for direct method traffic
 * in meters of request payload. Absent when {@link HubLimits} sets no rate. Guarded by the engine lock.
 */
final class Throttles {
  /** IoT Hub's error code for a throttled request. */
  static final int THROTTLED_CODE = 429001;

  private final EngineState state;
  private final @Nullable TokenBucket cloudToDeviceSends;
  private final @Nullable TokenBucket methodMeters;

  Throttles(EngineState state) {
    this.state = state;
    HubLimits l = state.limits;
    cloudToDeviceSends = l.cloudToDeviceSendsPerSecond().isPresent()
        ? new TokenBucket(l.cloudToDeviceSendsPerSecond().getAsDouble(), l.throttleBurst(), state.time.now())
        : null;
    methodMeters = l.methodBytesPerSecond().isPresent()
        ? new TokenBucket((double) l.methodBytesPerSecond().getAsLong() / l.methodMeterBytes(), l.throttleBurst(),
            state.time.now())
        : null;
  }

  /** Lock held. Takes one send from the quota, or returns the refusal (and takes nothing). */
  @Nullable HubException takeCloudToDeviceSend(String deviceId, String messageId) {
    if (state.faults.armed && state.faults.takeThrottle(HubOperation.CLOUD_TO_DEVICE_SEND, state.time.now())) {
      state.counters.add(Counters.Count.THROTTLED);
      return injected(HubOperation.CLOUD_TO_DEVICE_SEND).deviceId(deviceId).commandId(messageId).build();
    }
    if (cloudToDeviceSends == null || cloudToDeviceSends.tryTake(1, state.time.now())) {
      return null;
    }
    state.counters.add(Counters.Count.THROTTLED);
    return HubException.builder(HubError.THROTTLED).errorCode(THROTTLED_CODE).deviceId(deviceId).commandId(messageId)
        .detail("cloud-to-device sends are over the hub's quota of " + perSecond(cloudToDeviceSends) + "/s"
            + quota() + "; retry later")
        .build();
  }

  /** Lock held. Takes a call's meters from the quota, or returns the refusal (and takes nothing). */
  @Nullable HubException takeMethodCall(String deviceId, int payloadBytes) {
    if (state.faults.armed && state.faults.takeThrottle(HubOperation.DIRECT_METHOD, state.time.now())) {
      state.counters.add(Counters.Count.THROTTLED);
      return injected(HubOperation.DIRECT_METHOD).deviceId(deviceId).build();
    }
    int meter = state.limits.methodMeterBytes();
    int meters = Math.max(1, (payloadBytes + meter - 1) / meter);
    if (methodMeters == null || methodMeters.tryTake(meters, state.time.now())) {
      return null;
    }
    state.counters.add(Counters.Count.THROTTLED);
    return HubException.builder(HubError.THROTTLED).errorCode(THROTTLED_CODE).deviceId(deviceId)
        .detail("direct method traffic is over the hub's quota of " + perSecond(methodMeters) + " meters of "
            + meter + " bytes/s" + quota() + "; this call costs " + meters + "; retry later")
        .build();
  }

  private static HubException.Builder injected(HubOperation op) {
    return HubException.builder(HubError.THROTTLED).errorCode(THROTTLED_CODE)
        .detail((op == HubOperation.CLOUD_TO_DEVICE_SEND ? "cloud-to-device sends" : "direct method calls")
            + " are throttled by an injected fault; retry later");
  }

  private String quota() {
    HubLimits l = state.limits;
    return (l.tier().isPresent() ? " (" + l.tier().get() + " x " + l.units() + ")" : "")
        + ", bursts up to " + l.throttleBurst().toSeconds() + " s of it";
  }

  private static String perSecond(TokenBucket b) {
    return String.format(Locale.ROOT, "%.2f", b.ratePerSecond());
  }
}
