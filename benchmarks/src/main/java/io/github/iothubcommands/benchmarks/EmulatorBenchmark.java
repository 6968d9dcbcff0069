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
import io.github.iothubcommands.engine.DeliveredMessage;
import io.github.iothubcommands.engine.DeviceEndpoint;
import io.github.iothubcommands.engine.DeviceSession;
import io.github.iothubcommands.engine.HubEngine;
import io.github.iothubcommands.engine.HubLimits;
import io.github.iothubcommands.engine.MethodRequest;
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
import org.openjdk.jmh.annotations.Param;
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
 *   <li>{@link #c2dSendAsync}: {@code MessagingClient.sendAsync} over AMQPS, {@code window} sends in
 *       flight, to {@value #C2D_DEVICES} devices; an operation is an acknowledged send (the hub accepted it
 *       into the device's queue). Queues have IoT Hub's default depth and are emptied after each batch.
 *       Baseline: {@link #c2dBaselineEngine}, {@code HubEngine.enqueue} of the same messages.
 *   <li>{@link #directMethodInvoke}: {@code DirectMethodsClient.invoke} over HTTPS from {@value
 *       #METHOD_THREADS} threads, answered by {@value #METHOD_THREADS} {@code DeviceClient}s over MQTT (one
 *       per calling thread, SDK default options). The SDK's {@code HttpsURLConnection} keeps connections
 *       alive, so calls do not pay a TLS handshake each. Baseline: {@link #directMethodBaselineEngine},
 *       {@code HubEngine.invoke} answered at once by an in-memory device endpoint, from as many threads.
 * </ul>
 *
 * <p>The SDK clients and the emulator share the JVM and its cores, as in a test. Warm-up is long for the
 * emulator benchmarks: the SDKs, Netty, TLS and Paho take tens of seconds to JIT-compile.
 *
 * <p>The emulator binds AMQPS 5671 and MQTT 8883 (the SDKs always dial them) and HTTPS on a free port; no
 * other emulator may run meanwhile. Run it as docs/benchmarks.md says; the build only compiles it.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class EmulatorBenchmark {
  /** Devices the C2D messages go to, round robin. */
  static final int C2D_DEVICES = 100;
  /**
   * Sends per benchmark invocation; the invocation ends when all are acknowledged, and the queues are
   * emptied after it (untimed), so {@code C2D_BATCH / C2D_DEVICES} stays under the default queue depth of 50.
   */
  static final int C2D_BATCH = 4_000;
  /**
   * Calling threads, and devices answering (one per thread). Many, because a {@code DeviceClient} answers
   * about 100 methods/s at most: the device SDK runs its receive and send tasks with a fixed delay of
   * {@code ClientOptions.receiveInterval} / {@code sendInterval} (10 ms) after each run.
   */
  static final int METHOD_THREADS = 32;

  static final byte[] C2D_PAYLOAD = "{\"command\":\"reboot\",\"delay\":3}".getBytes(StandardCharsets.UTF_8);
  static final String METHOD_NAME = "ping";
  static final String METHOD_REPLY = "{\"pong\":true}";
  static final Duration METHOD_RESPONSE_TIMEOUT = Duration.ofSeconds(10);

  /** Empties every device's queue and checks that it held exactly one batch. */
  static void checkDrained(HubEngine engine, String[] devices) {
    int queued = 0;
    for (String id : devices) {
      queued += engine.purge(id);
    }
    if (queued != C2D_BATCH) {
      throw new IllegalStateException("expected " + C2D_BATCH + " queued messages, found " + queued);
    }
  }

  /** A bare engine as the emulator runs it (wall clock, IoT Hub's default limits) with these devices. */
  static HubEngine engineWith(String[] devices) {
    HubEngine engine = new HubEngine(HubLimits.DEFAULTS, TimeSource.system());
    for (String id : devices) {
      engine.registerDevice(id, null, null);
    }
    return engine;
  }

  static List<String> deviceIds(String prefix, int count) {
    List<String> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ids.add(String.format("%s-%03d", prefix, i));
    }
    return ids;
  }

  /**
   * An emulator with {@value #C2D_DEVICES} devices (IoT Hub's default limits) and a {@code MessagingClient}
   * opened afresh for each iteration: the SDK's C2D sender schedules one more self-renewing 200 ms timer
   * on its reactor for every flow frame it receives, so a long-lived client slows down as they pile up.
   */
  @State(Scope.Benchmark)
  public static class EmulatorC2d {
    /** Sends in flight (sent, not yet acknowledged); at most {@value #C2D_BATCH}. */
    @Param({"256", "4000"})
    public int window;

    IotHubEmulator hub;
    MessagingClient messaging;
    String[] devices;
    Semaphore inFlight;
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    final AtomicLong sequence = new AtomicLong();
    final Consumer<SendResult> onSent = result -> {
      if (!result.wasSentSuccessfully()) {
        failure.compareAndSet(null, result.getException() != null ? result.getException()
            : new IllegalStateException("send not acknowledged"));
      }
      inFlight.release();
    };

    /** Starts the emulator (HTTPS and MQTT on free ports: only AMQPS is used). */
    @Setup(Level.Trial)
    public void start() {
      List<String> ids = deviceIds("c2d", C2D_DEVICES);
      devices = ids.toArray(String[]::new);
      inFlight = new Semaphore(window);
      hub = IotHubEmulator.builder().devices(ids).httpsPort(0).mqttPort(0).start();
    }

    /**
     * Opens a new client.
     *
     * @throws Exception if it cannot open
     */
    @Setup(Level.Iteration)
    public void open() throws Exception {
      messaging = new MessagingClient(hub.serviceConnectionString(), IotHubServiceClientProtocol.AMQPS,
          MessagingClientOptions.builder().sslContext(hub.sslContext()).build());
      messaging.open();
    }

    /** Empties every queue after each batch (untimed) and checks it held the batch. */
    @TearDown(Level.Invocation)
    public void drain() {
      checkDrained(hub.engine(), devices);
    }

    /**
     * Closes the iteration's client.
     *
     * @throws InterruptedException if interrupted while closing
     */
    @TearDown(Level.Iteration)
    public void close() throws InterruptedException {
      messaging.close();
    }

    /** Closes the emulator. */
    @TearDown(Level.Trial)
    public void stop() {
      hub.close();
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
      devices = deviceIds("c2d", C2D_DEVICES).toArray(String[]::new);
      engine = engineWith(devices);
    }

    /** Empties every queue after each batch, as {@link EmulatorC2d#drain()} does. */
    @TearDown(Level.Invocation)
    public void drain() {
      checkDrained(engine, devices);
    }

    /** Closes the engine. */
    @TearDown(Level.Trial)
    public void stop() {
      engine.close();
    }
  }

  /**
   * An emulator with {@link #devices} devices connected over MQTT by real {@code DeviceClient}s (SDK default
   * options) that answer every method at once, and a {@code DirectMethodsClient}.
   */
  @State(Scope.Benchmark)
  public static class EmulatorMethods {
    /** How many devices answer; calling thread {@code i} calls device {@code i % devices}. */
    @Param({"32"})
    public int devices;

    IotHubEmulator hub;
    DirectMethodsClient methods;
    DirectMethodRequestOptions options;
    String[] deviceIds;
    final List<DeviceClient> deviceClients = new ArrayList<>();

    /**
     * Starts the emulator (AMQPS on a free port: only HTTPS and MQTT are used) and connects the devices.
     *
     * @throws Exception if a device cannot connect
     */
    @Setup(Level.Trial)
    public void start() throws Exception {
      List<String> ids = deviceIds("m", devices);
      deviceIds = ids.toArray(String[]::new);
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

  /** A bare engine with {@link #devices} in-memory devices that answer every method at once. */
  @State(Scope.Benchmark)
  public static class EngineMethods {
    /** As {@link EmulatorMethods#devices}. */
    @Param({"32"})
    public int devices;

    HubEngine engine;
    String[] deviceIds;

    /** Creates the engine and connects the answering devices. */
    @Setup(Level.Trial)
    public void start() {
      deviceIds = deviceIds("m", devices).toArray(String[]::new);
      engine = engineWith(deviceIds);
      for (String id : deviceIds) {
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
   * C2D sends through the real {@code MessagingClient}, {@code window} in flight.
   *
   * @param s the emulator and client
   * @throws InterruptedException if interrupted while waiting for the window
   */
  @Benchmark
  @OperationsPerInvocation(C2D_BATCH)
  @Warmup(iterations = 2, time = 5)
  @Measurement(iterations = 5, time = 4)
  public void c2dSendAsync(EmulatorC2d s) throws InterruptedException {
    for (int i = 0; i < C2D_BATCH; i++) {
      s.inFlight.acquire();
      Message m = new Message(C2D_PAYLOAD);
      m.setMessageId("b-" + s.sequence.incrementAndGet());
      m.setDeliveryAcknowledgement(DeliveryAcknowledgement.None);
      s.messaging.sendAsync(s.devices[i % C2D_DEVICES], m, s.onSent, null);
    }
    s.inFlight.acquire(s.window); // every send of the batch acknowledged
    s.inFlight.release(s.window);
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
      s.engine.enqueue(CloudToDeviceMessage.builder().deviceId(s.devices[i % C2D_DEVICES])
          .messageId("b-" + s.sequence.incrementAndGet()).payload(C2D_PAYLOAD, "application/json")
          .properties(Map.of()).acknowledgement(Acknowledgement.NONE).expiryTime(s.engine.time().now()
          .plus(Duration.ofHours(1))).build());
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
  @Warmup(iterations = 3, time = 8)
  @Measurement(iterations = 5, time = 5)
  public DirectMethodResponse directMethodInvoke(EmulatorMethods s, Caller caller) throws Exception {
    DirectMethodResponse r = s.methods.invoke(s.deviceIds[caller.index % s.devices], METHOD_NAME, s.options);
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
    return s.engine.invoke(MethodInvocation.builder().deviceId(s.deviceIds[caller.index % s.devices])
        .methodName(METHOD_NAME).payloadJson("{\"n\":1}").connectTimeout(Duration.ZERO)
        .responseTimeout(METHOD_RESPONSE_TIMEOUT).build()).join();
  }
}
