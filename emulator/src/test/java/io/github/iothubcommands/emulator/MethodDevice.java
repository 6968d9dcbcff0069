package io.github.iothubcommands.emulator;

import io.github.iothubcommands.engine.DeliveredMessage;
import io.github.iothubcommands.engine.DeviceEndpoint;
import io.github.iothubcommands.engine.DeviceSession;
import io.github.iothubcommands.engine.HubEngine;
import io.github.iothubcommands.engine.MethodRequest;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/** A device connected straight to the engine, subscribed to methods, answering them as the test says. */
final class MethodDevice {
  private MethodDevice() {}

  /**
   * Connects {@code deviceId} and subscribes it to methods.
   *
   * @param onMethod given the session and each request; answers through {@link DeviceSession#respond}
   * @return the session; close it when done
   */
  static DeviceSession connect(HubEngine engine, String deviceId, BiConsumer<DeviceSession, MethodRequest> onMethod) {
    AtomicReference<DeviceSession> session = new AtomicReference<>();
    session.set(engine.connect(deviceId, new DeviceEndpoint() {
      @Override
      public void deliverMessage(DeliveredMessage message) {}

      @Override
      public void invokeMethod(MethodRequest request) {
        onMethod.accept(session.get(), request);
      }
    }));
    session.get().subscribeMethods();
    return session.get();
  }
}
