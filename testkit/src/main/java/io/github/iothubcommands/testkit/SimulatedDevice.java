package io.github.iothubcommands.testkit;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.engine.DeliveredMessage;
import io.github.iothubcommands.engine.DeviceEndpoint;
import io.github.iothubcommands.engine.DeviceSession;
import io.github.iothubcommands.engine.HubEngine;
import io.github.iothubcommands.engine.MethodRequest;
import io.github.iothubcommands.spi.TimeSource;
import io.github.iothubcommands.testkit.internal.DeviceRecord;
import io.github.iothubcommands.testkit.internal.RecordLog;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
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
 *
 * <p><b>Duplicates.</b> By default every call and message reaches its handler, as on a device that does not
 * dedupe. After {@link #dedupeCommands()} the device runs each command id once, like the {@code device}
 * module's dispatcher: a retried call (same {@link MethodRequest#commandId()}) is answered the first call's
 * reply without running the handler, and a message whose command id ({@value Command#ID_PROPERTY}, else its
 * message id) was already completed or rejected is settled the same way again at once; {@link
 * #duplicateCount()} counts them.
 *
 * <p>What the device received is kept within its hub's {@linkplain FakeHub#recordLimit() record limit},
 * shared by all the hub's devices: the oldest deliveries (and method calls) across the fleet are dropped
 * first, while {@link #receivedMessageCount()} and {@link #methodCallCount()} stay exact.
 */
public final class SimulatedDevice {
  /** Status a simulated device answers for a method it has no handler for. */
  public static final int NO_HANDLER_STATUS = 501;
  /** How many command ids a deduping device remembers; past it the oldest is forgotten. */
  public static final int DEDUPE_WINDOW = 1_000;

  private final String id;
  private final HubEngine engine;
  private final TimeSource time;
  private final Map<String, Function<MethodRequest, MethodReply>> methods = new ConcurrentHashMap<>();
  private final Deque<MessageReply> scriptedReplies = new ArrayDeque<>();
  private Function<DeliveredMessage, MessageReply> messageBehaviour = m -> MessageReply.complete();
  private final RecordLog<DeviceRecord<DeliveredMessage>> receivedMessages;
  private final RecordLog<DeviceRecord<MethodRequest>> methodCalls;
  private final AtomicInteger receivedMessageCount = new AtomicInteger();
  private final AtomicInteger methodCallCount = new AtomicInteger();
  private final AtomicInteger duplicateCount = new AtomicInteger();
  /**
   * Replies by command id, for {@link #dedupeCommands()}; null while the device does not dedupe. Set once under
   * the lock and read under it; volatile so that a method call on a device that does not dedupe takes no lock.
   */
  private volatile @Nullable LinkedHashMap<String, Object> ran;
  private @Nullable DeviceSession session;

  SimulatedDevice(String id, HubEngine engine, RecordLog<DeviceRecord<DeliveredMessage>> receivedMessages,
      RecordLog<DeviceRecord<MethodRequest>> methodCalls) {
    this.id = id;
    this.engine = engine;
    this.time = engine.time();
    this.receivedMessages = receivedMessages;
    this.methodCalls = methodCalls;
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
   * Makes the device run each command once (see {@linkplain SimulatedDevice duplicates}), remembering the last
   * {@value #DEDUPE_WINDOW} command ids.
   *
   * @return this device
   */
  public synchronized SimulatedDevice dedupeCommands() {
    if (ran == null) {
      ran = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
          return size() > DEDUPE_WINDOW;
        }
      };
    }
    return this;
  }

  /**
   * Returns how many calls and messages a {@linkplain #dedupeCommands() deduping} device answered as
   * duplicates, without running their handler.
   *
   * @return the count
   */
  public int duplicateCount() {
    return duplicateCount.get();
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
   * Returns the deliveries the device has received, redeliveries included, in order: all of them unless the
   * hub's record limit dropped the oldest or {@link #clearRecorded()} forgot them.
   *
   * @return a snapshot
   */
  public List<DeliveredMessage> receivedMessages() {
    return receivedMessages.snapshot(this::mine, DeviceRecord::value);
  }

  /**
   * Returns the method calls the device has received, in order: all of them unless the hub's record limit
   * dropped the oldest or {@link #clearRecorded()} forgot them.
   *
   * @return a snapshot
   */
  public List<MethodRequest> methodCalls() {
    return methodCalls.snapshot(this::mine, DeviceRecord::value);
  }

  /**
   * Returns how many deliveries the device has received, redeliveries included, exactly (whatever records
   * were dropped or cleared).
   *
   * @return the count
   */
  public int receivedMessageCount() {
    return receivedMessageCount.get();
  }

  /**
   * Returns how many method calls the device has received, exactly.
   *
   * @return the count
   */
  public int methodCallCount() {
    return methodCallCount.get();
  }

  /**
   * Forgets the deliveries and method calls kept for this device (other devices' records stay); the counts
   * are not reset.
   *
   * @return this device
   */
  public SimulatedDevice clearRecorded() {
    receivedMessages.clear(this::mine);
    methodCalls.clear(this::mine);
    return this;
  }

  private boolean mine(DeviceRecord<?> record) {
    return record.deviceId().equals(id);
  }

  @Override
  public String toString() {
    return "SimulatedDevice{" + id + (isConnected() ? ", connected" : ", offline") + '}';
  }

  private synchronized MessageReply nextMessageReply(DeliveredMessage message) {
    receivedMessageCount.incrementAndGet();
    receivedMessages.add(new DeviceRecord<>(id, message));
    String key = ran == null ? null : messageCommandId(message);
    Object earlier = key == null ? null : ran.get(key);
    if (earlier != null) {
      duplicateCount.incrementAndGet();
      return earlier instanceof MessageReply.Settle settle ? new MessageReply.Settle(settle.disposition(),
          Duration.ZERO) : MessageReply.complete(); // run as a method before (a fallback): done
    }
    MessageReply scripted = scriptedReplies.pollFirst();
    MessageReply reply = scripted != null ? scripted : messageBehaviour.apply(message);
    if (key != null && reply instanceof MessageReply.Settle settle
        && settle.disposition() != MessageReply.Disposition.ABANDON) { // an abandoned message runs again
      ran.put(key, settle);
    }
    return reply;
  }

  private static String messageCommandId(DeliveredMessage delivered) {
    String id = delivered.message().properties().get(Command.ID_PROPERTY);
    return id != null ? id : delivered.message().messageId();
  }

  private MethodReply methodReply(MethodRequest request) {
    methodCallCount.incrementAndGet();
    methodCalls.add(new DeviceRecord<>(id, request));
    LinkedHashMap<String, Object> dedupe = ran; // never reset once set
    String key = dedupe == null ? null : request.commandId().orElse(null);
    if (dedupe != null && key != null) {
      synchronized (this) {
        Object earlier = dedupe.get(key);
        if (earlier != null) {
          duplicateCount.incrementAndGet();
          return earlier instanceof MethodReply.Respond respond ? respond.after(Duration.ZERO)
              : MethodReply.respond(200, "{}"); // delivered as a message before: done
        }
      }
    }
    Function<MethodRequest, MethodReply> handler = methods.get(request.methodName());
    MethodReply reply = handler != null ? handler.apply(request) : MethodReply.respond(NO_HANDLER_STATUS,
        "{\"error\":\"no handler for " + request.methodName().replace("\"", "") + "\"}");
    if (dedupe != null && key != null && reply instanceof MethodReply.Respond respond) {
      synchronized (this) {
        dedupe.put(key, respond);
      }
    }
    return reply;
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
