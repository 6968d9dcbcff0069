package io.github.iothubcommands.testkit.scenario;

import io.github.iothubcommands.CommandEvent;
import io.github.iothubcommands.spi.FeedbackRecord;
import io.github.iothubcommands.testkit.FakeHub;
import io.github.iothubcommands.engine.DeliveredMessage;
import io.github.iothubcommands.engine.HubObserver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What happened when a {@link HubScenario} ran: what was sent and when, every delivery, every feedback
 * record, every command event, and the deepest each queue got. {@link HubInvariants} checks it.
 *
 * @param scenario the scenario that ran
 * @param sends every send, with the hub time it happened
 * @param deliveries every delivery to a device, in order
 * @param feedback every feedback record the hub emitted, in order
 * @param events every command event the client published, in order
 * @param maxQueueDepth the deepest each device's queue was seen after a step
 */
public record ScenarioRun(
    HubScenario scenario,
    List<TimedSend> sends,
    List<Delivery> deliveries,
    List<FeedbackRecord> feedback,
    List<CommandEvent> events,
    Map<String, Integer> maxQueueDepth) {

  /** Copies the lists. */
  public ScenarioRun {
    Objects.requireNonNull(scenario, "scenario");
    sends = List.copyOf(sends);
    deliveries = List.copyOf(deliveries);
    feedback = List.copyOf(feedback);
    events = List.copyOf(events);
    maxQueueDepth = Map.copyOf(maxQueueDepth);
  }

  /**
   * A send and when it happened.
   *
   * @param send the step
   * @param at hub time of the send
   */
  public record TimedSend(HubScenario.Step.Send send, Instant at) {
    /**
     * Returns when the message expires.
     *
     * @return send time plus time-to-live
     */
    public Instant expiry() {
      return at.plus(send.timeToLive());
    }
  }

  /**
   * A delivery of a message to a device.
   *
   * @param deviceId the device
   * @param messageId the message
   * @param deliveryCount the hub's count for this delivery
   * @param at hub time of the delivery
   */
  public record Delivery(String deviceId, String messageId, int deliveryCount, Instant at) {}

  /** Collects a run; internal to the scenario package. */
  static final class Recorder {
    private final HubScenario scenario;
    private final FakeHub hub;
    private final List<TimedSend> sends = new ArrayList<>();
    private final List<Delivery> deliveries = new ArrayList<>();
    private final List<FeedbackRecord> feedback = new ArrayList<>();
    private final List<CommandEvent> events = new ArrayList<>();
    private final Map<String, Integer> maxDepth = new HashMap<>();

    Recorder(HubScenario scenario, FakeHub hub) {
      this.scenario = scenario;
      this.hub = hub;
      hub.engine().addObserver(new HubObserver() {
        @Override
        public void messageDelivered(String deviceId, DeliveredMessage message) {
          synchronized (Recorder.this) {
            deliveries.add(new Delivery(deviceId, message.message().messageId(), message.deliveryCount(), hub.now()));
          }
        }

        @Override
        public void feedbackEmitted(FeedbackRecord record) {
          synchronized (Recorder.this) {
            feedback.add(record);
          }
        }
      });
    }

    synchronized void sent(HubScenario.Step.Send send, Instant at) {
      sends.add(new TimedSend(send, at));
    }

    synchronized void event(CommandEvent event) {
      events.add(event);
    }

    synchronized void observeDepths() {
      for (var device : hub.engine().devices()) {
        maxDepth.merge(device.deviceId(), device.cloudToDeviceMessageCount(), Math::max);
      }
    }

    synchronized ScenarioRun finish() {
      return new ScenarioRun(scenario, sends, deliveries, feedback, events, maxDepth);
    }
  }
}
