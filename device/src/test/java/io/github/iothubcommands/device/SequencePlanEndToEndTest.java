package io.github.iothubcommands.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.CloudToDevice;
import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.DirectMethod;
import io.github.iothubcommands.FailurePolicy;
import io.github.iothubcommands.SequencePlan;
import io.github.iothubcommands.SequenceResult;
import io.github.iothubcommands.SequenceResult.Execution;
import io.github.iothubcommands.SequenceResult.StepResult;
import io.github.iothubcommands.SequenceResult.StepStatus;
import io.github.iothubcommands.emulator.IotHubEmulator;
import io.github.iothubcommands.engine.HubLimits;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A sequence plan over the production path on loopback: {@code CommandClient} with {@code AzureHubTransport}
 * (the service SDK) → {@code IotHubEmulator} → a {@code DeviceClient} (the device SDK, MQTT) with the
 * dispatcher. Its failure policies run there as on the fake hub: a failing optional step is skipped, and a
 * failing step is compensated, then the earlier step, latest first.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SequencePlanEndToEndTest {
  static final DirectMethod METHOD = DirectMethod.custom().responseTimeout(Duration.ofSeconds(10)).build();

  static IotHubEmulator hub;
  static CommandClient client;

  @BeforeAll
  static void start() {
    hub = IotHubEmulator.builder().hubName("plan-e2e")
        .limits(HubLimits.custom().feedbackBatchInterval(Duration.ofMillis(200)).build()).start();
    client = DispatcherEndToEndTest.serviceClientOf(hub);
  }

  @AfterAll
  static void stop() {
    DispatcherEndToEndTest.closeAll(client, hub);
  }

  private static DeviceClient deviceClient(String id) throws Exception {
    return new DeviceClient(hub.registerDevice(id), IotHubClientProtocol.MQTT,
        ClientOptions.builder().sslContext(hub.sslContext()).build());
  }

  /**
   * The device SDK answers direct methods one at a time: a method the plan cancelled still occupies the
   * device until its handler returns, so the next step's call waits behind it (within its own response
   * timeout). Here the handler takes 4 s, the step timeout is 2 s, and the next call's response timeout 10 s.
   */
  @Test
  void aStepThatHangsOnTheDeviceEndsAtItsTimeoutAndTheNextStepRuns() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (CommandDispatcher device = CommandDispatcher.builder(deviceClient("hangs"))
        .handle("flash", c -> {
          release.await(4, TimeUnit.SECONDS); // far longer than the step may take
          return CommandReply.ok();
        })
        .handle("ping", c -> CommandReply.ok("pong"))
        .build()) {
      device.start();
      long started = System.nanoTime();
      SequenceResult r = client.run(SequencePlan.forDevice("hangs")
          .then(Command.named("flash").id("hang-flash").build(),
              DirectMethod.custom().responseTimeout(Duration.ofSeconds(60)).build())
              .timeout(Duration.ofSeconds(2)).onFailure(FailurePolicy.skip())
          .then(Command.named("ping").id("hang-ping").build(), METHOD)
          .build());
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      release.countDown();

      assertThat(r.status()).as(r.toString()).isEqualTo(SequenceResult.Status.SUCCEEDED);
      StepResult flash = r.steps().get(0);
      assertThat(flash.status()).isEqualTo(StepStatus.SKIPPED);
      assertThat(flash.timedOut()).isTrue();
      assertThat(flash.outcome().orElseThrow().status()).isEqualTo(CommandStatus.CANCELLED);
      assertThat(flash.duration().orElseThrow()).isGreaterThanOrEqualTo(Duration.ofSeconds(2))
          .isLessThan(Duration.ofSeconds(4)); // the step timeout, not the handler's 4 s or the method's 60 s
      assertThat(r.steps().get(1).outcome().orElseThrow().methodResponse().orElseThrow().payloadJson())
          .isEqualTo("\"pong\"");
      assertThat(tookMillis).isLessThan(20_000);
    }
  }

  @Test
  void aPlanSkipsAFailingOptionalStepAndCompensatesAFailedOneThroughTheRealSdks() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    try (CommandDispatcher device = CommandDispatcher.builder(deviceClient("gateway"))
        .handle("download", c -> record(seen, c, CommandReply.ok()))
        .handle("selfTest", c -> record(seen, c, CommandReply.of(500, Map.of("error", "sensor missing"))))
        .handle("install", c -> record(seen, c, CommandReply.of(409, Map.of("error", "disk full"))))
        .handle("rollback", c -> record(seen, c, CommandReply.ok(Map.of("version", "2.0"))))
        .handle("deleteDownload", c -> record(seen, c, CommandReply.ok()))
        .handle("reboot", c -> record(seen, c, CommandReply.ok()))
        .build()) {
      device.start();
      SequenceResult r = client.run(SequencePlan.forDevice("gateway")
          .planTimeout(Duration.ofSeconds(60))
          .then(Command.named("download").id("plan-download").build(),
              CloudToDevice.custom().acknowledgement(Acknowledgement.FULL).timeToLive(Duration.ofSeconds(20)).build())
              .timeout(Duration.ofSeconds(30))
              .onFailure(FailurePolicy.compensate(Command.named("deleteDownload").id("plan-delete").build(), METHOD))
          .then(Command.named("selfTest").id("plan-selfTest").build(), METHOD).onFailure(FailurePolicy.skip())
          .then(Command.named("install").id("plan-install").build(), METHOD)
              .onFailure(FailurePolicy.compensate(Command.named("rollback").id("plan-rollback").build(), METHOD))
          .then(Command.named("reboot").id("plan-reboot").build(), METHOD)
          .build());

      assertThat(r.status()).as(r.toString()).isEqualTo(SequenceResult.Status.COMPENSATED);
      assertThat(seen).containsExactly("CLOUD_TO_DEVICE:download", "METHOD:selfTest", "METHOD:install",
          "METHOD:rollback", "METHOD:deleteDownload");
      assertThat(r.steps()).extracting(StepResult::status).containsExactly(StepStatus.SUCCEEDED,
          StepStatus.SKIPPED, StepStatus.FAILED, StepStatus.NOT_RUN);
      assertThat(r.steps().get(0).outcome().orElseThrow().status()).isEqualTo(CommandStatus.DELIVERED);
      assertThat(r.steps().get(1).outcome().orElseThrow().methodResponse().orElseThrow().status()).isEqualTo(500);
      assertThat(r.steps().get(2).outcome().orElseThrow().methodResponse().orElseThrow().status()).isEqualTo(409);
      assertThat(r.steps()).extracting(StepResult::compensated).containsExactly(true, false, true, false);
      // timing on the client's (wall) clock: each command starts once the one before it has its outcome
      List<Execution> ran = List.of(r.steps().get(0), r.steps().get(1), r.steps().get(2),
          r.steps().get(2).compensation().orElseThrow(), r.steps().get(0).compensation().orElseThrow());
      Instant previousEnd = r.startedAt();
      for (Execution e : ran) {
        assertThat(e.startedAt().orElseThrow()).isAfterOrEqualTo(previousEnd);
        assertThat(e.finishedAt().orElseThrow()).isAfterOrEqualTo(e.startedAt().orElseThrow());
        previousEnd = e.finishedAt().orElseThrow();
      }
      assertThat(r.finishedAt()).isAfterOrEqualTo(previousEnd);
    }
  }

  private static CommandReply record(List<String> seen, IncomingCommand c, CommandReply reply) {
    seen.add(c.mechanism() + ":" + c.name());
    return reply;
  }
}
