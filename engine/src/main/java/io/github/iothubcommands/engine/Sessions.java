package io.github.iothubcommands.engine;

import io.github.iothubcommands.HubError;
import io.github.iothubcommands.HubException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Device connections: one session per device, replaced by a new connection, ended by the hub or the device. */
final class Sessions {
  private final EngineState state;
  private final Registry registry;
  private final CloudToDeviceQueues queues;
  private final DirectMethods methods;

  Sessions(EngineState state, Registry registry, CloudToDeviceQueues queues, DirectMethods methods) {
    this.state = state;
    this.registry = registry;
    this.queues = queues;
    this.methods = methods;
  }

  DeviceSession connect(String deviceId, DeviceEndpoint endpoint) {
    List<Runnable> out = new ArrayList<>();
    SessionImpl session;
    synchronized (state.lock) {
      state.checkOpen();
      DeviceState d = registry.existing(deviceId);
      if (!d.enabled) {
        throw HubException.of(HubError.UNAUTHORIZED, "device " + deviceId + " is disabled");
      }
      if (d.session != null) {
        SessionImpl old = d.session;
        out.add(() -> old.endpoint.disconnected("the device connected again"));
      }
      session = new SessionImpl(d, endpoint);
      d.session = session;
      state.counters.add(Counters.Count.CONNECTIONS);
    }
    EngineState.run(out);
    return session;
  }

  /** Lock held. The hub ends the device's session, if it has one, and tells its endpoint why. */
  void end(DeviceState d, String reason, List<Runnable> out) {
    SessionImpl s = d.session;
    if (s != null) {
      d.session = null;
      out.add(() -> s.endpoint.disconnected(reason));
    }
  }

  /** Lock held. Ends a device's activity: its session closes, its queue empties, its calls fail. */
  void shutDown(DeviceState d, String reason, HubException failure, List<Runnable> out) {
    end(d, reason, out);
    queues.drop(d);
    methods.failAll(d, failure, out);
  }

  /** A device's connection; every operation checks, under the lock, that it is still the device's current one. */
  final class SessionImpl implements DeviceSession {
    final DeviceState device;
    final DeviceEndpoint endpoint;
    boolean messagesSubscribed;
    boolean methodsSubscribed;

    SessionImpl(DeviceState device, DeviceEndpoint endpoint) {
      this.device = device;
      this.endpoint = endpoint;
    }

    @Override
    public String deviceId() {
      return device.id;
    }

    @Override
    public void subscribeMessages() {
      whileCurrent(out -> {
        messagesSubscribed = true;
        queues.deliverNext(device, out);
      });
    }

    @Override
    public void subscribeMethods() {
      whileCurrent(out -> {
        methodsSubscribed = true;
        methods.dispatchWaiting(device, out);
      });
    }

    /** Runs {@code change} under the lock if this is still the device's session, then its callbacks. */
    private void whileCurrent(Consumer<List<Runnable>> change) {
      List<Runnable> out = new ArrayList<>();
      synchronized (state.lock) {
        if (device.session != this) {
          return;
        }
        change.accept(out);
      }
      EngineState.run(out);
    }

    @Override
    public boolean complete(String lockToken) {
      return queues.settle(device, this, lockToken, CloudToDeviceQueues.Settlement.COMPLETE);
    }

    @Override
    public boolean abandon(String lockToken) {
      return queues.settle(device, this, lockToken, CloudToDeviceQueues.Settlement.ABANDON);
    }

    @Override
    public boolean reject(String lockToken) {
      return queues.settle(device, this, lockToken, CloudToDeviceQueues.Settlement.REJECT);
    }

    @Override
    public boolean respond(String requestId, int status, String payloadJson) {
      return methods.respond(device, this, requestId, status, payloadJson);
    }

    @Override
    public boolean isOpen() {
      synchronized (state.lock) {
        return device.session == this;
      }
    }

    @Override
    public void close() {
      synchronized (state.lock) {
        if (device.session == this) {
          device.session = null;
        }
      }
    }

    @Override
    public String toString() {
      return "DeviceSession{" + device.id + (isOpen() ? "" : ", closed") + '}';
    }
  }
}
