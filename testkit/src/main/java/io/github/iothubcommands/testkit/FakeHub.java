package io.github.iothubcommands.testkit;

import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.FeedbackRecord;
import io.github.iothubcommands.spi.HubTransport;
import io.github.iothubcommands.spi.MethodInvocation;
import io.github.iothubcommands.spi.TimeSource;
import io.github.iothubcommands.engine.HubEngine;
import io.github.iothubcommands.engine.VirtualTime;
import io.github.iothubcommands.engine.HubLimits;
import io.github.iothubcommands.engine.HubObserver;
import io.github.iothubcommands.testkit.internal.FakeHubTransport;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory IoT Hub for tests, in the manner of OkHttp's MockWebServer: one per test, script devices,
 * run the code under test against {@link #transport()}, then inspect what the hub saw.
 *
 * <pre>{@code
 * try (FakeHub hub = FakeHub.create()) {
 *   hub.device("lamp-1").onMethod("on", MethodReply.respond(200, "{}")).connect();
 *   try (CommandClient client = CommandClient.builder().transport(hub.transport()).build()) {
 *     CommandHandle handle = client.sendAsync("lamp-1", Command.named("on").build(), DeliveryStrategy.directMethod());
 *     assertThat(handle.outcome().join().status()).isEqualTo(CommandStatus.SUCCEEDED);
 *   }
 *   assertThat(hub.takeInvocation().methodName()).isEqualTo("on");
 * }
 * }</pre>
 *
 * <p>{@link #create()} runs on {@link VirtualTime}: nothing timed happens until {@link #advance(Duration)}
 * (a device's immediate replies do happen at once). {@link #realTime()} runs on the wall clock, for demos
 * and for code that waits by itself.
 *
 * <p>Behaviour and limits: see {@link HubEngine} and {@link HubLimits}; throttling is not modelled yet.
 */
public final class FakeHub implements AutoCloseable {
  private final HubEngine engine;
  private final @Nullable VirtualTime virtualTime;
  private final Map<String, SimulatedDevice> simulated = new ConcurrentHashMap<>();
  private final BlockingQueue<CloudToDeviceMessage> messages = new LinkedBlockingQueue<>();
  private final BlockingQueue<MethodInvocation> invocations = new LinkedBlockingQueue<>();
  private final BlockingQueue<FeedbackRecord> feedback = new LinkedBlockingQueue<>();
  private final AtomicInteger messageCount = new AtomicInteger();
  private final AtomicInteger invocationCount = new AtomicInteger();

  private FakeHub(HubLimits limits, TimeSource time, @Nullable VirtualTime virtualTime) {
    this.engine = new HubEngine(limits, time);
    this.virtualTime = virtualTime;
    engine.addObserver(new HubObserver() {
      @Override
      public void messageEnqueued(CloudToDeviceMessage message) {
        messageCount.incrementAndGet();
        messages.add(message);
      }

      @Override
      public void methodInvoked(MethodInvocation invocation) {
        invocationCount.incrementAndGet();
        invocations.add(invocation);
      }

      @Override
      public void feedbackEmitted(FeedbackRecord record) {
        feedback.add(record);
      }
    });
  }

  /**
   * Creates a hub with IoT Hub's default limits on virtual time starting at {@link VirtualTime#DEFAULT_START}.
   *
   * @return a new hub
   */
  public static FakeHub create() {
    return create(HubLimits.ofDefaults());
  }

  /**
   * Creates a hub with these limits on virtual time.
   *
   * @param limits the limits
   * @return a new hub
   */
  public static FakeHub create(HubLimits limits) {
    VirtualTime time = new VirtualTime();
    return new FakeHub(limits, time, time);
  }

  /**
   * Creates a hub with IoT Hub's default limits on the wall clock.
   *
   * @return a new hub
   */
  public static FakeHub realTime() {
    return realTime(HubLimits.ofDefaults());
  }

  /**
   * Creates a hub with these limits on the wall clock (a short feedback batch interval keeps demos brisk).
   *
   * @param limits the limits
   * @return a new hub
   */
  public static FakeHub realTime(HubLimits limits) {
    return new FakeHub(limits, TimeSource.system(), null);
  }

  /**
   * Returns the simulated device with this id, registering it (offline) on first use.
   *
   * @param deviceId the device id
   * @return the device
   */
  public SimulatedDevice device(String deviceId) {
    return simulated.computeIfAbsent(deviceId, id -> {
      engine.registerDevice(id, null, null);
      return new SimulatedDevice(id, engine);
    });
  }

  /**
   * Returns a new transport onto this hub, for {@code CommandClient.builder().transport(...)}. It shares the
   * hub's time source with the client. Several transports compete for feedback, as receivers do on IoT Hub.
   *
   * @return a new transport
   */
  public HubTransport transport() {
    return new FakeHubTransport(engine);
  }

  /**
   * Returns the engine, for front doors such as the emulator and for direct scripting.
   *
   * @return the engine
   */
  public HubEngine engine() {
    return engine;
  }

  /**
   * Returns the hub's time source.
   *
   * @return virtual time, or the system time source in real-time mode
   */
  public TimeSource time() {
    return engine.time();
  }

  /**
   * Returns the hub's current time.
   *
   * @return now, on the hub's time source
   */
  public Instant now() {
    return engine.time().now();
  }

  /**
   * Moves virtual time forward, running everything that falls due: expiries, lock timeouts, feedback
   * batches, method timeouts, late device replies, scheduled connects.
   *
   * @param duration how far
   * @throws IllegalStateException in real-time mode
   */
  public void advance(Duration duration) {
    if (virtualTime == null) {
      throw new IllegalStateException("advance() needs virtual time, but this hub runs in real time "
          + "(FakeHub.realTime()); use FakeHub.create()");
    }
    virtualTime.advance(duration);
  }

  /**
   * Sends the pending feedback batch now rather than when it fills or its interval ends.
   */
  public void flushFeedback() {
    engine.flushFeedback();
  }

  /**
   * Empties a device's queue with {@code Purged} feedback.
   *
   * @param deviceId the device id
   * @return how many messages were purged
   */
  public int purge(String deviceId) {
    return engine.purge(deviceId);
  }

  /**
   * Returns how many messages wait in a device's queue, locked ones included.
   *
   * @param deviceId the device id
   * @return the queue depth, 0 for an unknown device
   */
  public int queueDepth(String deviceId) {
    return engine.device(deviceId).map(d -> d.cloudToDeviceMessageCount()).orElse(0);
  }

  /**
   * Takes the oldest message the hub accepted and not yet taken, waiting without limit. Prefer {@link
   * #takeMessage(Duration)} in tests.
   *
   * @return the message
   * @throws InterruptedException if interrupted while waiting
   */
  public CloudToDeviceMessage takeMessage() throws InterruptedException {
    return messages.take();
  }

  /**
   * Takes the oldest message the hub accepted and not yet taken, waiting up to {@code timeout} of real time.
   *
   * @param timeout how long to wait
   * @return the message, or {@code null} if none came in time
   * @throws InterruptedException if interrupted while waiting
   */
  public @Nullable CloudToDeviceMessage takeMessage(Duration timeout) throws InterruptedException {
    return messages.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Takes the oldest direct method call the hub received and not yet taken, waiting without limit.
   *
   * @return the call
   * @throws InterruptedException if interrupted while waiting
   */
  public MethodInvocation takeInvocation() throws InterruptedException {
    return invocations.take();
  }

  /**
   * Takes the oldest direct method call not yet taken, waiting up to {@code timeout} of real time.
   *
   * @param timeout how long to wait
   * @return the call, or {@code null} if none came in time
   * @throws InterruptedException if interrupted while waiting
   */
  public @Nullable MethodInvocation takeInvocation(Duration timeout) throws InterruptedException {
    return invocations.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Takes the oldest feedback record the hub emitted and not yet taken, waiting without limit.
   *
   * @return the record
   * @throws InterruptedException if interrupted while waiting
   */
  public FeedbackRecord takeFeedback() throws InterruptedException {
    return feedback.take();
  }

  /**
   * Takes the oldest feedback record not yet taken, waiting up to {@code timeout} of real time.
   *
   * @param timeout how long to wait
   * @return the record, or {@code null} if none came in time
   * @throws InterruptedException if interrupted while waiting
   */
  public @Nullable FeedbackRecord takeFeedback(Duration timeout) throws InterruptedException {
    return feedback.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Returns how many messages the hub has accepted.
   *
   * @return the count
   */
  public int messageCount() {
    return messageCount.get();
  }

  /**
   * Returns how many direct method calls the hub has received.
   *
   * @return the count
   */
  public int invocationCount() {
    return invocationCount.get();
  }

  /** Closes the engine: devices disconnect, calls in progress fail. */
  @Override
  public void close() {
    engine.close();
  }

  @Override
  public String toString() {
    return "FakeHub{devices=" + simulated.keySet() + ", now=" + now() + '}';
  }
}
