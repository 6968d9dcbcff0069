package io.github.iothubcommands.engine;

import io.github.iothubcommands.HubError;
import io.github.iothubcommands.HubException;
import io.github.iothubcommands.MethodResponse;
import io.github.iothubcommands.spi.MethodInvocation;
import io.github.iothubcommands.spi.TimeSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** Direct methods: range checks, waiting for the device to connect, dispatch, replies and both timeouts. */
final class DirectMethods {
  private final EngineState state;
  private final Registry registry;
  private final Throttles throttles;

  DirectMethods(EngineState state, Registry registry, Throttles throttles) {
    this.state = state;
    this.registry = registry;
    this.throttles = throttles;
  }

  CompletableFuture<MethodResponse> invoke(MethodInvocation invocation) {
    CompletableFuture<MethodResponse> result = new CompletableFuture<>();
    List<Runnable> out = new ArrayList<>();
    for (HubObserver o : state.observers) {
      out.add(() -> o.methodInvoked(invocation));
    }
    state.counters.add(Counters.Count.METHODS_INVOKED);
    synchronized (state.lock) {
      HubException refusal = admit(invocation);
      if (refusal != null) {
        state.counters.add(Counters.Count.METHODS_FAILED);
        out.add(() -> result.completeExceptionally(refusal));
      } else {
        DeviceState d = registry.existing(invocation.deviceId());
        PendingCall call = new PendingCall(invocation, result);
        if (d.acceptsMethods()) {
          dispatch(d, call, out);
        } else if (invocation.connectTimeout().isZero()) {
          state.counters.add(Counters.Count.METHODS_FAILED);
          out.add(() -> result.completeExceptionally(offline(d.id)));
        } else {
          d.waitingForConnect.add(call);
          call.timer = state.time.schedule(invocation.connectTimeout(), () -> onConnectTimeout(d, call));
        }
      }
    }
    EngineState.run(out);
    return result;
  }

  /** Lock held. Checks the call and takes it from the throttle; returns why it is refused, if it is. */
  private @Nullable HubException admit(MethodInvocation inv) {
    if (state.isClosed()) {
      return EngineState.closedException();
    }
    if (registry.find(inv.deviceId()) == null) {
      return Registry.notRegistered(inv.deviceId());
    }
    HubLimits limits = state.limits;
    Duration connect = inv.connectTimeout();
    if (connect.isNegative() || connect.compareTo(limits.maxConnectTimeout()) > 0) {
      return outOfRange("connectTimeoutInSeconds", Duration.ZERO, limits.maxConnectTimeout(), connect);
    }
    Duration response = inv.responseTimeout();
    if (response.compareTo(limits.minResponseTimeout()) < 0 || response.compareTo(limits.maxResponseTimeout()) > 0) {
      return outOfRange("responseTimeoutInSeconds", limits.minResponseTimeout(), limits.maxResponseTimeout(), response);
    }
    int size = inv.payloadJson().getBytes(StandardCharsets.UTF_8).length;
    if (size > state.limits.maxMethodPayloadBytes()) {
      return HubException.of(HubError.MESSAGE_TOO_LARGE, "method payload is " + size + " bytes; the limit is "
          + state.limits.maxMethodPayloadBytes());
    }
    return throttles.takeMethodCall(inv.deviceId(), size);
  }

  private static HubException outOfRange(String field, Duration min, Duration max, Duration value) {
    return HubException.of(HubError.BAD_REQUEST, field + " must be between " + min.toSeconds() + " and "
        + max.toSeconds() + ", but was " + value.toSeconds());
  }

  /** Lock held. The device subscribed to methods: the calls waiting for it go out now. */
  void dispatchWaiting(DeviceState d, List<Runnable> out) {
    List<PendingCall> waiting = new ArrayList<>(d.waitingForConnect);
    d.waitingForConnect.clear();
    for (PendingCall c : waiting) {
      c.cancelTimer();
      dispatch(d, c, out);
    }
  }

  /** Lock held. */
  private void dispatch(DeviceState d, PendingCall call, List<Runnable> out) {
    Sessions.SessionImpl s = d.session;
    call.requestId = Long.toString(state.nextId());
    d.awaitingResponse.put(call.requestId, call);
    call.timer = state.time.schedule(call.invocation.responseTimeout(), () -> onResponseTimeout(d, call));
    MethodRequest request = new MethodRequest(call.requestId, call.invocation.methodName(),
        call.invocation.payloadJson(), call.invocation.responseTimeout());
    out.add(() -> s.endpoint.invokeMethod(request));
  }

  /**
   * Lock not held. The device's answer through {@code session}; refused unless that session is still the
   * device's connection and the call is still awaited.
   */
  boolean respond(DeviceState d, Sessions.SessionImpl session, String requestId, int status, String payloadJson) {
    PendingCall call;
    synchronized (state.lock) {
      if (d.session != session) { // a disconnected device cannot answer
        return false;
      }
      call = d.awaitingResponse.remove(requestId);
      if (call == null) {
        return false;
      }
      call.cancelTimer();
    }
    int size = payloadJson.getBytes(StandardCharsets.UTF_8).length;
    if (size > state.limits.maxMethodPayloadBytes()) {
      state.counters.add(Counters.Count.METHODS_FAILED);
      call.result.completeExceptionally(HubException.of(HubError.MESSAGE_TOO_LARGE, "device " + d.id
          + " answered with " + size + " bytes; the limit is " + state.limits.maxMethodPayloadBytes()));
    } else {
      state.counters.add(Counters.Count.METHODS_SUCCEEDED);
      call.result.complete(new MethodResponse(status, payloadJson));
    }
    return true;
  }

  /** Lock held. Fails every call for the device (deleted, or the hub closed). */
  void failAll(DeviceState d, HubException failure, List<Runnable> out) {
    for (PendingCall c : d.allCalls()) {
      state.counters.add(Counters.Count.METHODS_FAILED);
      c.cancelTimer();
      out.add(() -> c.result.completeExceptionally(failure));
    }
    d.waitingForConnect.clear();
    d.awaitingResponse.clear();
  }

  /** Lock not held. */
  private void onConnectTimeout(DeviceState d, PendingCall call) {
    boolean timedOut;
    synchronized (state.lock) {
      timedOut = d.waitingForConnect.remove(call);
    }
    if (timedOut) {
      state.counters.add(Counters.Count.METHODS_FAILED);
      call.result.completeExceptionally(offline(d.id));
    }
  }

  /** Lock not held. */
  private void onResponseTimeout(DeviceState d, PendingCall call) {
    boolean timedOut;
    synchronized (state.lock) {
      timedOut = d.awaitingResponse.remove(call.requestId, call);
    }
    if (timedOut) {
      state.counters.add(Counters.Count.METHODS_TIMED_OUT);
      call.result.completeExceptionally(HubException.of(HubError.GATEWAY_TIMEOUT, "device " + d.id
          + " did not answer method " + call.invocation.methodName() + " within "
          + call.invocation.responseTimeout().toSeconds() + " s"));
    }
  }

  private static HubException offline(String deviceId) {
    return HubException.of(HubError.DEVICE_NOT_ONLINE, "device " + deviceId + " is not online");
  }

  /** A call waiting for its device to connect, or for its reply. */
  static final class PendingCall {
    final MethodInvocation invocation;
    final CompletableFuture<MethodResponse> result;
    String requestId = "";
    TimeSource.@Nullable Cancellable timer;

    PendingCall(MethodInvocation invocation, CompletableFuture<MethodResponse> result) {
      this.invocation = invocation;
      this.result = result;
    }

    void cancelTimer() {
      if (timer != null) {
        timer.cancel();
      }
    }
  }
}
