package io.github.iothubcommands.testkit;

import io.github.iothubcommands.engine.DeliveredMessage;
import io.github.iothubcommands.engine.DeviceEndpoint;
import io.github.iothubcommands.engine.DeviceSession;
import io.github.iothubcommands.engine.HubEngine;
import io.github.iothubcommands.engine.MethodRequest;
import io.github.iothubcommands.spi.TimeSource;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A scripted device on a {@link FakeHub}: it connects and disconnects when told (now or at a virtual
 * time), answers direct methods by name, and settles cloud-to-device messages as scripted. Created offline
 * by {@link FakeHub#device(String)}; connecting subscribes it to both messages and methods.
 *
 * <pre>{@code
 * SimulatedDevice pump = hub.device("pump-1")
 *     .onMethod("start", MethodReply.respond(200, "{\"started\":true}"))
 *     .replyToMessages(MessageReply.abandon())     // the first message is abandoned, later ones completed
 *     .connect();
 * }</pre>
 *
 * <p>Without a handler, a method is answered {@code 501 {"error":"no handler for <name>"}}; without a
 * script, a message is completed. Thread-safe.
 */
public final class SimulatedDevice {
  /** Status a simulated device answers for a method it has no handler for. */
  public static final int NO_HANDLER_STATUS = 501;

  private final String id;
  private final HubEngine engine;
  private final TimeSource time;
  private final Map<String, Function<MethodRequest, MethodReply>> methods = new ConcurrentHashMap<>();
  private final Deque<MessageReply> scriptedReplies = new ArrayDeque<>();
  private Function<DeliveredMessage, MessageReply> messageBehaviour = m -> MessageReply.complete();
  private final List<DeliveredMessage> receivedMessages = new ArrayList<>();
  private final List<MethodRequest> methodCalls = new ArrayList<>();
  private @Nullable DeviceSession session;

  SimulatedDevice(String id, HubEngine engine) {
    this.id = id;
    this.engine = engine;
    this.time = engine.time();
  }

  /**
   * Returns the device id.
   *
   * @return the device id
   */
  public String id() {
    return id;
  }

  /**
   * Connects now and subscribes to messages and methods: queued messages start to flow and method calls
   * waiting for the device are dispatched.
   *
   * @return this device
   */
  public SimulatedDevice connect() {
    DeviceSession s = engine.connect(id, new Endpoint());
    synchronized (this) {
      session = s;
    }
    s.subscribeMessages();
    s.subscribeMethods();
    return this;
  }

  /**
   * Disconnects now. A locked message stays locked until its lock expires; calls in progress time out.
   *
   * @return this device
   */
  public SimulatedDevice disconnect() {
    DeviceSession s;
    synchronized (this) {
      s = session;
      session = null;
    }
    if (s != null) {
      s.close();
    }
    return this;
  }

  /**
   * Connects after {@code delay} of hub time.
   *
   * @param delay how long from now
   * @return this device
   */
  public SimulatedDevice connectAfter(Duration delay) {
    time.schedule(delay, this::connect);
    return this;
  }

  /**
   * Disconnects after {@code delay} of hub time.
   *
   * @param delay how long from now
   * @return this device
   */
  public SimulatedDevice disconnectAfter(Duration delay) {
    time.schedule(delay, this::disconnect);
    return this;
  }

  /**
   * Whether the device is connected.
   *
   * @return {@code true} while its session is open
   */
  public boolean isConnected() {
    DeviceSession s;
    synchronized (this) {
      s = session;
    }
    return s != null && s.isOpen();
  }

  /**
   * Answers every call of method {@code name} with {@code reply}.
   *
   * @param name the method's wire name ({@code component*name} for a component)
   * @param reply the reply
   * @return this device
   */
  public SimulatedDevice onMethod(String name, MethodReply reply) {
    return onMethod(name, request -> reply);
  }

  /**
   * Answers calls of method {@code name} with whatever {@code behaviour} returns for each call.
   *
   * @param name the method's wire name
   * @param behaviour chooses the reply for a call
   * @return this device
   */
  public SimulatedDevice onMethod(String name, Function<MethodRequest, MethodReply> behaviour) {
    methods.put(name, behaviour);
    return this;
  }

  /**
   * Settles messages with whatever {@code behaviour} returns, once the {@linkplain #replyToMessages
   * scripted replies} are used up.
   *
   * @param behaviour chooses the reply for a message
   * @return this device
   */
  public synchronized SimulatedDevice onMessage(Function<DeliveredMessage, MessageReply> behaviour) {
    messageBehaviour = behaviour;
    return this;
  }

  /**
   * Settles the next deliveries with these replies, in order (each delivery of a redelivered message uses
   * one), then falls back on {@link #onMessage}.
   *
   * @param replies the replies, in order
   * @return this device
   */
  public synchronized SimulatedDevice replyToMessages(MessageReply... replies) {
    scriptedReplies.addAll(List.of(replies));
    return this;
  }

  /**
   * Returns every delivery the device has received, redeliveries included, in order.
   *
   * @return a snapshot
   */
  public synchronized List<DeliveredMessage> receivedMessages() {
    return List.copyOf(receivedMessages);
  }

  /**
   * Returns every method call the device has received, in order.
   *
   * @return a snapshot
   */
  public synchronized List<MethodRequest> methodCalls() {
    return List.copyOf(methodCalls);
  }

  @Override
  public String toString() {
    return "SimulatedDevice{" + id + (isConnected() ? ", connected" : ", offline") + '}';
  }

  private synchronized MessageReply nextMessageReply(DeliveredMessage message) {
    receivedMessages.add(message);
    MessageReply scripted = scriptedReplies.pollFirst();
    return scripted != null ? scripted : messageBehaviour.apply(message);
  }

  private MethodReply methodReply(MethodRequest request) {
    synchronized (this) {
      methodCalls.add(request);
    }
    Function<MethodRequest, MethodReply> handler = methods.get(request.methodName());
    if (handler == null) {
      return MethodReply.respond(NO_HANDLER_STATUS,
          "{\"error\":\"no handler for " + request.methodName().replace("\"", "") + "\"}");
    }
    return handler.apply(request);
  }

  private void later(Duration delay, Runnable action) {
    if (delay.isZero()) {
      action.run();
    } else {
      time.schedule(delay, action);
    }
  }

  /** The device's side of its engine session; each connection gets its own. */
  private final class Endpoint implements DeviceEndpoint {
    private @Nullable DeviceSession session() {
      synchronized (SimulatedDevice.this) {
        return session;
      }
    }

    @Override
    public void deliverMessage(DeliveredMessage message) {
      DeviceSession s = session();
      if (s == null) {
        return;
      }
      MessageReply reply = nextMessageReply(message);
      if (reply instanceof MessageReply.Settle settle) {
        String token = message.lockToken();
        later(settle.delay(), () -> {
          switch (settle.disposition()) {
            case COMPLETE -> s.complete(token);
            case ABANDON -> s.abandon(token);
            case REJECT -> s.reject(token);
          }
        });
      } else if (reply instanceof MessageReply.Disconnect) {
        disconnect();
      }
      // Stall: hold the lock until it expires.
    }

    @Override
    public void invokeMethod(MethodRequest request) {
      DeviceSession s = session();
      if (s == null) {
        return;
      }
      MethodReply reply = methodReply(request);
      if (reply instanceof MethodReply.Respond respond) {
        later(respond.delay(), () -> s.respond(request.requestId(), respond.status(), respond.payloadJson()));
      } else if (reply instanceof MethodReply.Disconnect) {
        disconnect();
      }
      // Stall: never answer.
    }

    @Override
    public void disconnected(String reason) {
      synchronized (SimulatedDevice.this) {
        session = null;
      }
    }
  }
}
