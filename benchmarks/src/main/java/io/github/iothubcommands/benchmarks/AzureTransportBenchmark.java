package io.github.iothubcommands.benchmarks;

import com.azure.core.credential.AzureSasCredential;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import com.microsoft.azure.sdk.iot.service.messaging.SendResult;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClientOptions;
import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.CloudToDevice;
import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.DirectMethod;
import io.github.iothubcommands.azure.AzureHubTransport;
import io.github.iothubcommands.emulator.IotHubEmulator;
import io.github.iothubcommands.engine.DeliveredMessage;
import io.github.iothubcommands.engine.DeviceEndpoint;
import io.github.iothubcommands.engine.DeviceSession;
import io.github.iothubcommands.engine.MethodRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.HttpsURLConnection;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The library's overhead on the real path: a command through {@code CommandClient} and {@link
 * AzureHubTransport} against the same call on the raw service SDK clients, on one emulator in the same run.
 * Sample time per operation, one caller at a time; compare the medians (p0.50).
 *
 * <ul>
 *   <li>{@link #rawDirectMethod} — {@code DirectMethodsClient.invoke} (HTTPS) with request options built per
 *       call from the JSON text (the SDK takes a Gson tree), 10 s response timeout; {@link
 *       #clientDirectMethod} — {@code client.send} of a fresh {@code Command} (random id) with the same JSON
 *       text and a {@code DirectMethod} strategy: validation, tracking, transport, outcome. Both build their
 *       request per call, as a caller does.
 *   <li>{@link #rawDirectMethodOnAPool} — the raw call on a pool, waited for through a future: the raw
 *       baseline for an asynchronous caller, with the thread hand-offs the transport pays too.
 *   <li>{@link #rawCloudToDeviceSend} — {@code MessagingClient.sendAsync} (AMQPS), waiting for the hub's
 *       acknowledgement; {@link #clientCloudToDeviceSend} — {@code client.send} with acknowledgement none,
 *       which completes when the hub acknowledged the send.
 * </ul>
 *
 * <p>The device is an in-process endpoint on the emulator's engine that answers and completes at once, so
 * the device side costs the same in both and adds no noise. The emulator binds AMQPS 5671 and MQTT 8883:
 * nothing else may hold them meanwhile. Run as docs/benchmarks.md says; the build only compiles it.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class AzureTransportBenchmark {
  static final String DEVICE = "bench";
  static final String PAYLOAD = "{\"n\":1}";

  IotHubEmulator hub;
  DeviceSession device;
  DirectMethodsClient rawMethods;
  MessagingClient rawMessaging;
  CommandClient client;
  DirectMethod method;
  CloudToDevice noAck;
  byte[] c2dPayload;
  ExecutorService pool;

  @Setup
  public void start() throws Exception {
    hub = IotHubEmulator.builder().hubName("bench").devices(DEVICE).start();
    HttpsURLConnection.setDefaultSSLSocketFactory(hub.sslContext().getSocketFactory());
    AtomicReference<DeviceSession> session = new AtomicReference<>();
    device = hub.engine().connect(DEVICE, new DeviceEndpoint() {
      @Override
      public void deliverMessage(DeliveredMessage message) {
        session.get().complete(message.lockToken());
      }

      @Override
      public void invokeMethod(MethodRequest request) {
        session.get().respond(request.requestId(), 200, "{\"pong\":true}");
      }
    });
    session.set(device);
    device.subscribeMessages();
    device.subscribeMethods();

    AzureSasCredential sas = new AzureSasCredential(hub.serviceSasToken());
    // The same read timeout the transport derives for these calls: connect 0 + response 10 + 15 s.
    rawMethods = new DirectMethodsClient(hub.httpsHost(), sas,
        DirectMethodsClientOptions.builder().httpReadTimeoutSeconds(25).build());
    rawMessaging = new MessagingClient("localhost", sas, IotHubServiceClientProtocol.AMQPS,
        MessagingClientOptions.builder().sslContext(hub.sslContext()).build());
    rawMessaging.open();
    client = CommandClient.builder().transport(AzureHubTransport.builder().credential(hub.httpsHost(), sas)
        .sslContext(hub.sslContext()).build()).build();
    method = DirectMethod.custom().responseTimeout(Duration.ofSeconds(10)).build();
    noAck = CloudToDevice.custom().acknowledgement(Acknowledgement.NONE).build();
    c2dPayload = PAYLOAD.getBytes(StandardCharsets.UTF_8);
    pool = Executors.newFixedThreadPool(AzureHubTransport.DEFAULT_METHOD_CONCURRENCY);
  }

  @TearDown
  public void stop() throws Exception {
    client.close();
    pool.shutdownNow();
    rawMessaging.close();
    device.close();
    hub.close();
  }

  /** The raw call's request, built per call from the JSON text, as a caller does. */
  static DirectMethodRequestOptions rawOptions() {
    return DirectMethodRequestOptions.builder().payload(JsonParser.parseString(PAYLOAD))
        .methodResponseTimeoutSeconds(10).methodConnectTimeoutSeconds(0).build();
  }

  @Benchmark
  public int rawDirectMethod() throws Exception {
    DirectMethodResponse r = rawMethods.invoke(DEVICE, "ping", rawOptions());
    if (r.getStatus() != 200) {
      throw new IllegalStateException("device answered " + r.getStatus());
    }
    return r.getStatus();
  }

  /**
   * The raw call as an asynchronous caller makes it: on a pool, waited for through a future — the same two
   * thread hand-offs the transport pays to keep its caller's thread free.
   */
  @Benchmark
  public int rawDirectMethodOnAPool() throws Exception {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return rawMethods.invoke(DEVICE, "ping", rawOptions()).getStatus();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, pool).get(30, TimeUnit.SECONDS);
  }

  @Benchmark
  public CommandOutcome clientDirectMethod() {
    CommandOutcome o = client.send(DEVICE, Command.named("ping").rawJsonPayload(PAYLOAD).build(), method);
    if (o.status() != CommandStatus.SUCCEEDED) {
      throw new IllegalStateException("expected SUCCEEDED, got " + o);
    }
    return o;
  }

  @Benchmark
  public SendResult rawCloudToDeviceSend() throws Exception {
    Message m = new Message(c2dPayload);
    m.setMessageId(UUID.randomUUID().toString());
    m.setDeliveryAcknowledgement(DeliveryAcknowledgement.None);
    CompletableFuture<SendResult> done = new CompletableFuture<>();
    rawMessaging.sendAsync(DEVICE, m, done::complete, null);
    SendResult r = done.get(30, TimeUnit.SECONDS);
    if (!r.wasSentSuccessfully()) {
      throw new IllegalStateException("send refused", r.getException());
    }
    return r;
  }

  @Benchmark
  public CommandOutcome clientCloudToDeviceSend() {
    CommandOutcome o = client.send(DEVICE, Command.named("ping").rawJsonPayload(PAYLOAD).build(), noAck);
    if (o.status() != CommandStatus.ACCEPTED) {
      throw new IllegalStateException("expected ACCEPTED, got " + o);
    }
    return o;
  }
}
