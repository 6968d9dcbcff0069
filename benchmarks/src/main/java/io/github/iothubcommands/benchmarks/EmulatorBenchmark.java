package io.github.iothubcommands.benchmarks;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import com.microsoft.azure.sdk.iot.service.messaging.SendResult;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.MethodResponse;
import io.github.iothubcommands.emulator.IotHubEmulator;
import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.MethodInvocation;
import io.github.iothubcommands.spi.TimeSource;
import io.github.iothubcommands.testkit.engine.DeliveredMessage;
import io.github.iothubcommands.testkit.engine.DeviceEndpoint;
import io.github.iothubcommands.testkit.engine.DeviceSession;
import io.github.iothubcommands.testkit.engine.HubEngine;
import io.github.iothubcommands.testkit.engine.HubLimits;
import io.github.iothubcommands.testkit.engine.MethodRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javax.net.ssl.HttpsURLConnection;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * The emulator driven by the real Azure IoT SDK clients on loopback, each against a baseline measured in
 * the same run: the same operation on a bare {@link HubEngine} (wall clock, same limits, no protocol), so
 * a result reads as a ratio.
 *
 * <ul>
 *   <li>{@link #c2dSendAsync}: {@code MessagingClient.sendAsync} over AMQPS, {@value #C2D_WINDOW} sends in
 *       flight, to {@value #C2D_DEVICES} devices; an operation is an acknowledged send (the hub accepted it
 *       into the device's queue). Queues are deep enough for a whole iteration and purged after each.
 *       Baseline: {@link #c2dBaselineEngine}, {@code HubEngine.enqueue} of the same messages.
 *   <li>{@link #directMethodInvoke}: {@code DirectMethodsClient.invoke} over HTTPS from {@value
 *       #METHOD_THREADS} threads, answered by {@value #METHOD_THREADS} {@code DeviceClient}s over MQTT (one
 *       per calling thread). Baseline: {@link #directMethodBaselineEngine}, {@code HubEngine.invoke}
 *       answered at once by an in-memory device endpoint, from as many threads.
 * </ul>
 *
 * <p>The emulator binds AMQPS 5671 and MQTT 8883 (the SDKs always dial them) and HTTPS on a free port; no
 * other emulator may run meanwhile. Run it as docs/benchmarks.md says; the build only compiles it.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class EmulatorBenchmark {
  /** Devices the C2D messages go to, round robin. */
  static final int C2D_DEVICES = 100;
  /** Sends per benchmark invocation; the invocation ends when all are acknowledged. */
  static final int C2D_BATCH = 2_000;
  /** Sends in flight (sent, not yet acknowledged). */
  static final int C2D_WINDOW = 256;
  /** Calling threads, and devices answering (one per thread). */
  static final int METHOD_THREADS = 16;

  /** Queue depth for the C2D benchmarks: room for every message of an iteration (purged after it). */
  static final HubLimits DEEP_QUEUES = HubLimits.custom().queueDepth(1_000_000).build();
  static final byte[] C2D_PAYLOAD = "{\"command\":\"reboot\",\"delay\":3}".getBytes(StandardCharsets.UTF_8);
  static final String METHOD_NAME = "ping";
  static final String METHOD_REPLY = "{\"pong\":true}";
  static final Duration METHOD_RESPONSE_TIMEOUT = Duration.ofSeconds(10);

  static List<String> deviceIds(String prefix, int count) {
    List<String> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ids.add(String.format("%s-%03d", prefix, i));
    }
    return ids;
  }

  /** An emulator with {@value #C2D_DEVICES} devices and deep queues, and an opened {@code MessagingClient}. */
  @State(Scope.Benchmark)
  public static class EmulatorC2d {
    IotHubEmulator hub;
    MessagingClient messaging;
    String[] devices;
    final Semaphore window = new Semaphore(C2D_WINDOW);
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    final AtomicLong sequence = new AtomicLong();
    final Consumer<SendResult> onSent = result -> {
      if (!result.wasSentSuccessfully()) {
        failure.compareAndSet(null, result.getException() != null ? result.getException()
            : new IllegalStateException("send not acknowledged"));
      }
      window.release();
    };

    /**
     * Starts the emulator (HTTPS and MQTT on free ports: only AMQPS is used) and opens the client.
     *
     * @throws Exception if the client cannot open
     */
    @Setup(Level.Trial)
    public void start() throws Exception {
      List<String> ids = deviceIds("c2d", C2D_DEVICES);
      devices = ids.toArray(String[]::new);
      hub = IotHubEmulator.builder().devices(ids).limits(DEEP_QUEUES).httpsPort(0).mqttPort(0).start();
      messaging = new MessagingClient(hub.serviceConnectionString(), IotHubServiceClientProtocol.AMQPS,
          MessagingClientOptions.builder().sslContext(hub.sslContext()).build());
      messaging.open();
    }

    /** Empties every queue, so each iteration starts alike and memory stays bounded. */
    @TearDown(Level.Iteration)
    public void purge() {
      for (String id : devices) {
        hub.engine().purge(id);
      }
    }

    /**
     * Closes the client and the emulator.
     *
     * @throws InterruptedException if interrupted while closing
     */
    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      try {
        messaging.close();
      } finally {
        hub.close();
      }
    }
  }

  /** A bare engine on the wall clock with the same devices and limits as {@link EmulatorC2d}. */
  @State(Scope.Benchmark)
  public static class EngineC2d {
    HubEngine engine;
    String[] devices;
    final AtomicLong sequence = new AtomicLong();

    /** Creates the engine and registers the devices. */
    @Setup(Level.Trial)
    public void start() {
      engine = new HubEngine(DEEP_QUEUES, TimeSource.system());
      devices = deviceIds("c2d", C2D_DEVICES).toArray(String[]::new);
      for (String id : devices) {
        engine.registerDevice(id, null, null);
      }
    }

    /** Empties every queue, as {@link EmulatorC2d#purge()} does. */
    @TearDown(Level.Iteration)
    public void purge() {
      for (String id : devices) {
        engine.purge(id);
      }
    }

    /** Closes the engine. */
    @TearDown(Level.Trial)
    public void stop() {
      engine.close();
    }
  }

  /**
   * An emulator with {@value #METHOD_THREADS} devices connected over MQTT by real {@code DeviceClient}s that
   * answer every method at once, and a {@code DirectMethodsClient}.
   */
  @State(Scope.Benchmark)
  public static class EmulatorMethods {
    IotHubEmulator hub;
    DirectMethodsClient methods;
    DirectMethodRequestOptions options;
    String[] devices;
    final List<DeviceClient> deviceClients = new ArrayList<>();

    /**
     * Starts the emulator (AMQPS on a free port: only HTTPS and MQTT are used) and connects the devices.
     *
     * @throws Exception if a device cannot connect
     */
    @Setup(Level.Trial)
    public void start() throws Exception {
      List<String> ids = deviceIds("m", METHOD_THREADS);
      devices = ids.toArray(String[]::new);
      hub = IotHubEmulator.builder().devices(ids).httpsPort(0).amqpPort(0).start();
      // The service SDK's HTTPS layer is HttpsURLConnection without an SSLContext option: JVM default.
      HttpsURLConnection.setDefaultSSLSocketFactory(hub.sslContext().getSocketFactory());
      for (String id : ids) {
        DeviceClient device = new DeviceClient(hub.deviceConnectionString(id), IotHubClientProtocol.MQTT,
            ClientOptions.builder().sslContext(hub.sslContext()).build());
        deviceClients.add(device);
        device.open(false);
        device.subscribeToMethods((name, payload, ctx) -> 
            new com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse(200, Map.of("pong", true)), null);
      }
      methods = new DirectMethodsClient(hub.httpsHost(), new AzureSasCredential(hub.serviceSasToken()));
      options = DirectMethodRequestOptions.builder().payload(Map.of("n", 1))
          .methodResponseTimeoutSeconds((int) METHOD_RESPONSE_TIMEOUT.toSeconds())
          .methodConnectTimeoutSeconds(0).build();
    }

    /** Closes the devices and the emulator. */
    @TearDown(Level.Trial)
    public void stop() {
      try {
        deviceClients.forEach(DeviceClient::close);
      } finally {
        hub.close();
      }
    }
  }

  /** A bare engine with {@value #METHOD_THREADS} in-memory devices that answer every method at once. */
  @State(Scope.Benchmark)
  public static class EngineMethods {
    HubEngine engine;
    String[] devices;

    /** Creates the engine and connects the answering devices. */
    @Setup(Level.Trial)
    public void start() {
      engine = new HubEngine(HubLimits.DEFAULTS, TimeSource.system());
      devices = deviceIds("m", METHOD_THREADS).toArray(String[]::new);
      for (String id : devices) {
        engine.registerDevice(id, null, null);
        AnsweringDevice device = new AnsweringDevice();
        device.session = engine.connect(id, device);
        device.session.subscribeMethods();
      }
    }

    /** Closes the engine. */
    @TearDown(Level.Trial)
    public void stop() {
      engine.close();
    }
  }

  /** An in-memory device that answers every method at once, on the caller's thread. */
  static final class AnsweringDevice implements DeviceEndpoint {
    volatile DeviceSession session;

    @Override
    public void deliverMessage(DeliveredMessage message) {
      session.complete(message.lockToken());
    }

    @Override
    public void invokeMethod(MethodRequest request) {
      session.respond(request.requestId(), 200, METHOD_REPLY);
    }
  }

  /** Which device a calling thread talks to: its own. */
  @State(Scope.Thread)
  public static class Caller {
    int index;

    /**
     * Takes the thread's index.
     *
     * @param params JMH's thread parameters
     */
    @Setup(Level.Trial)
    public void setUp(ThreadParams params) {
      index = params.getThreadIndex();
    }
  }

  /**
   * C2D sends through the real {@code MessagingClient}, {@value #C2D_WINDOW} in flight.
   *
   * @param s the emulator and client
   * @throws InterruptedException if interrupted while waiting for the window
   */
  @Benchmark
  @OperationsPerInvocation(C2D_BATCH)
  public void c2dSendAsync(EmulatorC2d s) throws InterruptedException {
    for (int i = 0; i < C2D_BATCH; i++) {
      s.window.acquire();
      Message m = new Message(C2D_PAYLOAD);
      m.setMessageId("b-" + s.sequence.incrementAndGet());
      m.setDeliveryAcknowledgement(DeliveryAcknowledgement.None);
      s.messaging.sendAsync(s.devices[i % C2D_DEVICES], m, s.onSent, null);
    }
    s.window.acquire(C2D_WINDOW); // every send of the batch acknowledged
    s.window.release(C2D_WINDOW);
    Throwable failure = s.failure.get();
    if (failure != null) {
      throw new IllegalStateException("a C2D send failed", failure);
    }
  }

  /**
   * Baseline: the same messages enqueued on the bare engine.
   *
   * @param s the engine
   */
  @Benchmark
  @OperationsPerInvocation(C2D_BATCH)
  public void c2dBaselineEngine(EngineC2d s) {
    for (int i = 0; i < C2D_BATCH; i++) {
      s.engine.enqueue(new CloudToDeviceMessage(s.devices[i % C2D_DEVICES], "b-" + s.sequence.incrementAndGet(),
          C2D_PAYLOAD, "application/json", Map.of(), Acknowledgement.NONE,
          s.engine.time().now().plus(Duration.ofHours(1))));
    }
  }

  /**
   * A direct method through the real {@code DirectMethodsClient}, answered by a real {@code DeviceClient}.
   *
   * @param s the emulator, devices and client
   * @param caller the calling thread's device
   * @return the reply
   * @throws Exception if the call fails
   */
  @Benchmark
  @Threads(METHOD_THREADS)
  public DirectMethodResponse directMethodInvoke(EmulatorMethods s, Caller caller) throws Exception {
    DirectMethodResponse r = s.methods.invoke(s.devices[caller.index % METHOD_THREADS], METHOD_NAME, s.options);
    if (r.getStatus() != 200) {
      throw new IllegalStateException("method answered " + r.getStatus());
    }
    return r;
  }

  /**
   * Baseline: the same call on the bare engine, answered by an in-memory device.
   *
   * @param s the engine and devices
   * @param caller the calling thread's device
   * @return the reply
   */
  @Benchmark
  @Threads(METHOD_THREADS)
  public MethodResponse directMethodBaselineEngine(EngineMethods s, Caller caller) {
    return s.engine.invoke(new MethodInvocation(s.devices[caller.index % METHOD_THREADS], METHOD_NAME,
        "{\"n\":1}", Duration.ZERO, METHOD_RESPONSE_TIMEOUT)).join();
  }
}
