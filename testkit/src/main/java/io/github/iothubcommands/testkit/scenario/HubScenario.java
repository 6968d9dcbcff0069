package io.github.iothubcommands.testkit.scenario;

import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.CloudToDevice;
import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.testkit.FakeHub;
import io.github.iothubcommands.testkit.MessageReply;
import io.github.iothubcommands.testkit.SimulatedDevice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A reproducible random sequence of hub activity: commands sent as cloud-to-device messages with random
 * time-to-live and acknowledgement, devices connecting and disconnecting, devices settling messages in
 * random ways (complete, late complete, abandon, reject, stall), queues purged, time passing. The same
 * seed and settings always give the same steps and, run, the same {@link ScenarioRun}.
 */
public final class HubScenario {
  private final long seed;
  private final ScenarioSettings settings;
  private final List<Step> steps;

  private HubScenario(long seed, ScenarioSettings settings, List<Step> steps) {
    this.seed = seed;
    this.settings = settings;
    this.steps = List.copyOf(steps);
  }

  /**
   * Generates a scenario.
   *
   * @param seed the seed; print it when a check fails, to replay
   * @param settings size and limits
   * @return the scenario
   */
  public static HubScenario random(long seed, ScenarioSettings settings) {
    Objects.requireNonNull(settings, "settings");
    SplittableRandom random = new SplittableRandom(seed);
    List<Step> steps = new ArrayList<>();
    for (int d = 0; d < settings.devices(); d++) {
      List<MessageReply> replies = new ArrayList<>();
      for (int i = 0; i < settings.steps() * 2; i++) {
        replies.add(randomReply(random));
      }
      steps.add(new Step.Script(deviceId(d), replies));
    }
    int messages = 0;
    for (int i = 0; i < settings.steps(); i++) {
      String device = deviceId(random.nextInt(settings.devices()));
      int roll = random.nextInt(100);
      if (roll < 50) {
        Duration ttl = Duration.ofMillis(1000 + random.nextLong(settings.maxTimeToLive().toMillis() - 999));
        Acknowledgement ack = Acknowledgement.values()[random.nextInt(4)];
        steps.add(new Step.Send(device, "m" + (messages++), ttl, ack));
      } else if (roll < 70) {
        steps.add(new Step.Advance(Duration.ofMillis(random.nextLong(120_000))));
      } else if (roll < 84) {
        steps.add(new Step.Connect(device));
      } else if (roll < 97) {
        steps.add(new Step.Disconnect(device));
      } else {
        steps.add(new Step.Purge(device));
      }
    }
    return new HubScenario(seed, settings, steps);
  }

  private static MessageReply randomReply(SplittableRandom random) {
    int roll = random.nextInt(100);
    if (roll < 45) {
      return MessageReply.complete();
    } else if (roll < 55) {
      return MessageReply.complete().after(Duration.ofSeconds(1 + random.nextInt(90)));
    } else if (roll < 75) {
      return MessageReply.abandon();
    } else if (roll < 85) {
      return MessageReply.reject();
    } else {
      return MessageReply.stall();
    }
  }

  private static String deviceId(int index) {
    return "device-" + index;
  }

  /**
   * Returns the seed.
   *
   * @return the seed
   */
  public long seed() {
    return seed;
  }

  /**
   * Returns the settings.
   *
   * @return the settings
   */
  public ScenarioSettings settings() {
    return settings;
  }

  /**
   * Returns the steps, in order.
   *
   * @return the steps
   */
  public List<Step> steps() {
    return steps;
  }

  /**
   * Runs the scenario on a fresh virtual-time hub with a command client, then lets time run on until every
   * message has left the hub and every command has its outcome.
   *
   * @return what happened
   */
  public ScenarioRun run() {
    try (FakeHub hub = FakeHub.create(settings.limits())) {
      ScenarioRun.Recorder recorder = new ScenarioRun.Recorder(this, hub);
      try (CommandClient client = CommandClient.builder().transport(hub.transport()).listener(recorder::event)
          .build()) {
        for (Step step : steps) {
          apply(step, hub, client, recorder);
          recorder.observeDepths();
        }
        Duration drain = settings.maxTimeToLive().plus(settings.limits().lockTimeout())
            .plus(client.feedbackWindow()).plus(settings.limits().feedbackBatchInterval()).plusMinutes(2);
        // Stalled devices would hold their locks for ever: disconnect all, so every message ends and every
        // command reaches its outcome within the drain.
        for (int d = 0; d < settings.devices(); d++) {
          hub.device(deviceId(d)).disconnect();
        }
        hub.advance(drain);
        recorder.observeDepths();
        return recorder.finish();
      }
    }
  }

  private static void apply(Step step, FakeHub hub, CommandClient client, ScenarioRun.Recorder recorder) {
    if (step instanceof Step.Script script) {
      SimulatedDevice device = hub.device(script.deviceId());
      device.replyToMessages(script.replies().toArray(MessageReply[]::new));
      device.onMessage(m -> MessageReply.complete());
    } else if (step instanceof Step.Send send) {
      recorder.sent(send, hub.now());
      client.sendAsync(send.deviceId(), Command.named("scenario").id(send.messageId()).build(),
          CloudToDevice.custom().timeToLive(send.timeToLive()).acknowledgement(send.acknowledgement()).build());
    } else if (step instanceof Step.Advance advance) {
      hub.advance(advance.duration());
    } else if (step instanceof Step.Connect connect) {
      hub.device(connect.deviceId()).connect();
    } else if (step instanceof Step.Disconnect disconnect) {
      hub.device(disconnect.deviceId()).disconnect();
    } else if (step instanceof Step.Purge purge) {
      hub.purge(purge.deviceId());
    }
  }

  @Override
  public String toString() {
    return "HubScenario{seed=" + seed + ", steps=" + steps.size() + '}';
  }

  /** One step of a scenario. */
  public sealed interface Step {
    /**
     * The replies a device gives to its next deliveries (then it completes).
     *
     * @param deviceId the device
     * @param replies in order
     */
    record Script(String deviceId, List<MessageReply> replies) implements Step {
      /** Copies the replies. */
      public Script {
        replies = List.copyOf(replies);
      }
    }

    /**
     * Send a command as a cloud-to-device message.
     *
     * @param deviceId the device
     * @param messageId the command id, and so the message id
     * @param timeToLive its time-to-live
     * @param acknowledgement its acknowledgement mode
     */
    record Send(String deviceId, String messageId, Duration timeToLive, Acknowledgement acknowledgement)
        implements Step {}

    /**
     * Let time pass.
     *
     * @param duration how long
     */
    record Advance(Duration duration) implements Step {}

    /**
     * Connect a device.
     *
     * @param deviceId the device
     */
    record Connect(String deviceId) implements Step {}

    /**
     * Disconnect a device.
     *
     * @param deviceId the device
     */
    record Disconnect(String deviceId) implements Step {}

    /**
     * Purge a device's queue.
     *
     * @param deviceId the device
     */
    record Purge(String deviceId) implements Step {}
  }
}
