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
import io.github.iothubcommands.engine.DeliveredMessage;
import io.github.iothubcommands.engine.MethodRequest;
import io.github.iothubcommands.testkit.internal.DeviceRecord;
import io.github.iothubcommands.testkit.internal.FakeHubTransport;
import io.github.iothubcommands.testkit.internal.RecordLog;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>{@link #builder()} sets everything at once: limits, time, and how much the hub remembers.
 *
 * <h2>Bounded records</h2>
 *
 * <p>The hub keeps what it saw so that a test can inspect it, but within a bound, so that a long simulation
 * runs in flat memory: at most {@linkplain #recordLimit() recordLimit} (by default {@value
 * #DEFAULT_RECORD_LIMIT}) records of each kind — messages accepted, method calls received, feedback records
 * emitted, and, across all its simulated devices together, deliveries and method calls the devices received.
 * Past the bound the oldest record of that kind is dropped first. The counts ({@link #messageCount()},
 * {@link #invocationCount()}, {@link #feedbackCount()}, {@link SimulatedDevice#receivedMessageCount()} …)
 * stay exact whatever was dropped, taken or cleared; {@link #droppedRecordCount()} tells how many records
 * the bound dropped, and {@link #clearRecorded()} forgets what was kept.
 *
 * <p>Behaviour and limits: see {@link HubEngine} and {@link HubLimits}. Throttling is off by default; give the
 * limits a tier ({@code HubLimits.custom().tier(HubTier.S1, 10)}) for IoT Hub's quotas.
 */
public final class FakeHub implements AutoCloseable {
  /**
   * How many records of each kind a hub keeps unless told otherwise: enough for any test that inspects
   * records one by one, small enough (a few MB) for a day-long simulation of a large fleet.
   */
  public static final int DEFAULT_RECORD_LIMIT = 10_000;

  private final HubEngine engine;
  private final @Nullable VirtualTime virtualTime;
  private final int recordLimit;
  private final Map<String, SimulatedDevice> simulated = new ConcurrentHashMap<>();
  private final RecordLog<CloudToDeviceMessage> messages;
  private final RecordLog<MethodInvocation> invocations;
  private final RecordLog<FeedbackRecord> feedback;
  private final RecordLog<DeviceRecord<DeliveredMessage>> deviceMessages;
  private final RecordLog<DeviceRecord<MethodRequest>> deviceCalls;
  private final Map<String, AtomicInteger> messagesByDevice = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> invocationsByDevice = new ConcurrentHashMap<>();

  private FakeHub(HubLimits limits, TimeSource time, @Nullable VirtualTime virtualTime, int recordLimit) {
    this.engine = new HubEngine(limits, time);
    this.virtualTime = virtualTime;
    this.recordLimit = recordLimit;
    this.messages = new RecordLog<>(recordLimit);
    this.invocations = new RecordLog<>(recordLimit);
    this.feedback = new RecordLog<>(recordLimit);
    this.deviceMessages = new RecordLog<>(recordLimit);
    this.deviceCalls = new RecordLog<>(recordLimit);
    engine.addObserver(new HubObserver() {
      @Override
      public void messageEnqueued(CloudToDeviceMessage message) {
        increment(messagesByDevice, message.deviceId());
        messages.add(message);
      }

      @Override
      public void methodInvoked(MethodInvocation invocation) {
        increment(invocationsByDevice, invocation.deviceId());
        invocations.add(invocation);
      }

      @Override
      public void feedbackEmitted(FeedbackRecord record) {
        feedback.add(record);
      }
    });
  }

  private static void increment(Map<String, AtomicInteger> counts, String deviceId) {
    counts.computeIfAbsent(deviceId, id -> new AtomicInteger()).incrementAndGet();
  }

  /**
   * Starts a builder: IoT Hub's default limits, virtual time from {@link VirtualTime#DEFAULT_START}, {@value
   * #DEFAULT_RECORD_LIMIT} records of each kind.
   *
   * <pre>{@code
   * FakeHub hub = FakeHub.builder()
   *     .limits(HubLimits.custom().queueDepth(5).build())
   *     .recordLimit(100)
   *     .build();
   * }</pre>
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
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
    return builder().limits(limits).build();
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
    return builder().limits(limits).realTime().build();
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
      return new SimulatedDevice(id, engine, deviceMessages, deviceCalls);
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
   * @throws IllegalStateException in real-time mode, or on a time source given to {@link
   *     Builder#timeSource(TimeSource)}
   */
  public void advance(Duration duration) {
    if (virtualTime == null) {
      throw new IllegalStateException(time() == TimeSource.system()
          ? "advance() needs virtual time, but this hub runs in real time (FakeHub.realTime()); use FakeHub.create()"
          : "advance() needs virtual time of the hub's own, but this hub runs on " + time()
              + " (Builder.timeSource(...)): advance that clock instead, or use FakeHub.create()");
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
   * Takes the oldest message the hub accepted and kept (see {@linkplain FakeHub bounded records}) and not yet
   * taken, waiting without limit. Prefer {@link #takeMessage(Duration)} in tests.
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
    return messages.poll(timeout);
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
    return invocations.poll(timeout);
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
    return feedback.poll(timeout);
  }

  /**
   * Returns the messages the hub accepted, kept within the record limit and not yet taken, oldest first.
   * Unlike {@link #takeMessage(Duration)} this takes nothing.
   *
   * @return a snapshot
   */
  public List<CloudToDeviceMessage> recordedMessages() {
    return messages.snapshot();
  }

  /**
   * Returns the direct method calls the hub received, kept within the record limit and not yet taken,
   * oldest first.
   *
   * @return a snapshot
   */
  public List<MethodInvocation> recordedInvocations() {
    return invocations.snapshot();
  }

  /**
   * Returns the feedback records the hub emitted, kept within the record limit and not yet taken, oldest
   * first.
   *
   * @return a snapshot
   */
  public List<FeedbackRecord> recordedFeedback() {
    return feedback.snapshot();
  }

  /**
   * Returns how many messages the hub has accepted, exactly (records dropped, taken or cleared included).
   *
   * @return the count
   */
  public int messageCount() {
    return messages.count();
  }

  /**
   * Returns how many messages the hub has accepted for one device, exactly.
   *
   * @param deviceId the device id
   * @return the count, 0 for a device that got none
   */
  public int messageCount(String deviceId) {
    return count(messagesByDevice, deviceId);
  }

  /**
   * Returns how many direct method calls the hub has received (accepted or refused), exactly.
   *
   * @return the count
   */
  public int invocationCount() {
    return invocations.count();
  }

  /**
   * Returns how many direct method calls the hub has received for one device (accepted or refused), exactly.
   *
   * @param deviceId the device id
   * @return the count, 0 for a device that got none
   */
  public int invocationCount(String deviceId) {
    return count(invocationsByDevice, deviceId);
  }

  /**
   * Returns how many feedback records the hub has emitted, exactly.
   *
   * @return the count
   */
  public int feedbackCount() {
    return feedback.count();
  }

  private static int count(Map<String, AtomicInteger> counts, String deviceId) {
    AtomicInteger c = counts.get(deviceId);
    return c == null ? 0 : c.get();
  }

  /**
   * Returns how many records of each kind this hub keeps.
   *
   * @return the record limit, {@value #DEFAULT_RECORD_LIMIT} unless set with {@link Builder#recordLimit(int)}
   */
  public int recordLimit() {
    return recordLimit;
  }

  /**
   * Returns how many records the bound has dropped so far, all kinds together (the hub's and its devices').
   * Zero means every record the hub saw is still there, unless taken or cleared.
   *
   * @return the number of records dropped, oldest first, to stay within the record limit
   */
  public int droppedRecordCount() {
    return messages.dropped() + invocations.dropped() + feedback.dropped() + deviceMessages.dropped()
        + deviceCalls.dropped();
  }

  /**
   * Forgets every record kept so far, the hub's and its devices': what the {@code take…} and {@code
   * recorded…} methods and {@link SimulatedDevice#receivedMessages()} return starts afresh. Counts are
   * not reset. Call it between the phases of a long simulation, or before the part of a test that
   * inspects records.
   */
  public void clearRecorded() {
    messages.clear();
    invocations.clear();
    feedback.clear();
    deviceMessages.clear();
    deviceCalls.clear();
  }

  /** Closes the engine: devices disconnect, calls in progress fail. */
  @Override
  public void close() {
    engine.close();
  }

  @Override
  public String toString() {
    int devices = simulated.size();
    return "FakeHub{" + (devices <= 10 ? "devices=" + simulated.keySet() : devices + " devices") + ", now=" + now()
        + '}';
  }

  /**
   * Builds a {@link FakeHub}. Defaults: {@link HubLimits#DEFAULTS}, virtual time from {@link
   * VirtualTime#DEFAULT_START}, {@link #DEFAULT_RECORD_LIMIT}.
   */
  public static final class Builder {
    private HubLimits limits = HubLimits.DEFAULTS;
    private int recordLimit = DEFAULT_RECORD_LIMIT;
    private boolean realTime;
    private @Nullable TimeSource timeSource;

    private Builder() {}

    /**
     * Sets the hub's limits.
     *
     * @param limits the limits
     * @return this builder
     */
    public Builder limits(HubLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Sets how many records of each kind the hub keeps (see {@linkplain FakeHub bounded records}); past it
     * the oldest is dropped. Zero keeps none: only the counts.
     *
     * @param recordLimit records of each kind, at least 0
     * @return this builder
     * @throws IllegalArgumentException if {@code recordLimit} is negative
     */
    public Builder recordLimit(int recordLimit) {
      if (recordLimit < 0) {
        throw new IllegalArgumentException("recordLimit must be at least 0, but was " + recordLimit);
      }
      this.recordLimit = recordLimit;
      return this;
    }

    /**
     * Runs the hub on the wall clock ({@link TimeSource#system()}) instead of virtual time; {@link
     * FakeHub#advance(Duration)} is then refused.
     *
     * @return this builder
     */
    public Builder realTime() {
      this.realTime = true;
      this.timeSource = null;
      return this;
    }

    /**
     * Runs the hub on {@code timeSource}, which something else drives — say the reactor module's time source
     * over a Reactor {@code VirtualTimeScheduler}, so that {@code StepVerifier.withVirtualTime} moves the
     * hub's clock and the client's together. {@link FakeHub#advance(Duration)} is then refused: advance the
     * time source's own clock. Undoes {@link #realTime()}.
     *
     * @param timeSource the time source the hub's engine runs on
     * @return this builder
     * @throws IllegalArgumentException if {@code timeSource} is null
     */
    public Builder timeSource(TimeSource timeSource) {
      if (timeSource == null) {
        throw new IllegalArgumentException("timeSource must not be null");
      }
      this.timeSource = timeSource;
      this.realTime = false;
      return this;
    }

    /**
     * Runs the hub on virtual time from {@link VirtualTime#DEFAULT_START} (the default); undoes {@link
     * #realTime()} and {@link #timeSource(TimeSource)}.
     *
     * @return this builder
     */
    public Builder virtualTime() {
      this.realTime = false;
      this.timeSource = null;
      return this;
    }

    /**
     * Builds the hub.
     *
     * @return a new hub
     */
    public FakeHub build() {
      if (realTime) {
        return new FakeHub(limits, TimeSource.system(), null, recordLimit);
      }
      TimeSource given = timeSource;
      if (given != null) {
        return new FakeHub(limits, given, null, recordLimit);
      }
      VirtualTime time = new VirtualTime();
      return new FakeHub(limits, time, time, recordLimit);
    }
  }
}
