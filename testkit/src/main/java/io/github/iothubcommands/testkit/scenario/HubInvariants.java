package io.github.iothubcommands.testkit.scenario;

import io.github.iothubcommands.Acknowledgement;
import io.github.iothubcommands.CommandEvent;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.spi.FeedbackRecord;
import io.github.iothubcommands.engine.HubLimits;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The invariants IoT Hub guarantees and the client adds, checked on a {@link ScenarioRun}:
 *
 * <ol>
 *   <li>per-device FIFO: messages reach a device for the first time in the order they were sent;
 *   <li>a queue never holds more than its depth;
 *   <li>every message accepted with acknowledgement full gets exactly one feedback record, and no message
 *       gets feedback its acknowledgement mode excludes;
 *   <li>no message is delivered at or after its expiry;
 *   <li>no message is delivered more often than the maximum delivery count;
 *   <li>every command has exactly one terminal event, consistent with its feedback.
 * </ol>
 */
public final class HubInvariants {
  private HubInvariants() {}

  /**
   * Checks every invariant.
   *
   * @param run the run to check
   * @return a description of each violation, with the seed; empty when all hold
   */
  public static List<String> violations(ScenarioRun run) {
    List<String> v = new ArrayList<>();
    HubLimits limits = run.scenario().settings().limits();
    String seed = "seed " + run.scenario().seed() + ": ";

    Map<String, Integer> sendIndex = new HashMap<>();
    Map<String, ScenarioRun.TimedSend> sendById = new HashMap<>();
    for (int i = 0; i < run.sends().size(); i++) {
      sendIndex.put(run.sends().get(i).send().messageId(), i);
      sendById.put(run.sends().get(i).send().messageId(), run.sends().get(i));
    }

    // 1. FIFO per device, 4. expiry, 5. delivery count
    Map<String, Integer> lastFirstDelivery = new HashMap<>();
    Set<String> delivered = new HashSet<>();
    Map<String, Integer> deliveriesPerMessage = new HashMap<>();
    for (ScenarioRun.Delivery d : run.deliveries()) {
      int index = sendIndex.getOrDefault(d.messageId(), -1);
      if (delivered.add(d.messageId())) {
        int previous = lastFirstDelivery.getOrDefault(d.deviceId(), -1);
        if (index < previous) {
          v.add(seed + "FIFO broken on " + d.deviceId() + ": " + d.messageId() + " delivered first after a later message");
        }
        lastFirstDelivery.put(d.deviceId(), index);
      }
      ScenarioRun.TimedSend send = sendById.get(d.messageId());
      if (send != null && !d.at().isBefore(send.expiry())) {
        v.add(seed + d.messageId() + " delivered at " + d.at() + ", not before its expiry " + send.expiry());
      }
      if (d.deliveryCount() > limits.maxDeliveryCount()) {
        v.add(seed + d.messageId() + " delivered with count " + d.deliveryCount() + " > " + limits.maxDeliveryCount());
      }
      int n = deliveriesPerMessage.merge(d.messageId(), 1, Integer::sum);
      if (n > limits.maxDeliveryCount()) {
        v.add(seed + d.messageId() + " delivered " + n + " times > " + limits.maxDeliveryCount());
      }
    }

    // 2. depth
    run.maxQueueDepth().forEach((device, depth) -> {
      if (depth > limits.queueDepth()) {
        v.add(seed + device + " queue reached " + depth + " > depth " + limits.queueDepth());
      }
    });

    // 6. one terminal event per command
    Map<String, List<CommandEvent>> terminal = new HashMap<>();
    for (CommandEvent e : run.events()) {
      if (e.status().isTerminal()) {
        terminal.computeIfAbsent(e.commandId(), k -> new ArrayList<>()).add(e);
      }
    }

    // 3. feedback per ack mode
    Map<String, List<FeedbackRecord>> records = new HashMap<>();
    for (FeedbackRecord r : run.feedback()) {
      records.computeIfAbsent(r.originalMessageId(), k -> new ArrayList<>()).add(r);
    }
    for (ScenarioRun.TimedSend s : run.sends()) {
      String id = s.send().messageId();
      List<CommandEvent> ends = terminal.getOrDefault(id, List.of());
      if (ends.size() != 1) {
        v.add(seed + "command " + id + " had " + ends.size() + " terminal events, not 1");
        continue;
      }
      boolean refused = ends.get(0).outcome().flatMap(CommandOutcome::hubError).isPresent();
      List<FeedbackRecord> mine = records.getOrDefault(id, List.of());
      Acknowledgement ack = s.send().acknowledgement();
      if (refused && !mine.isEmpty()) {
        v.add(seed + id + " was refused by the hub but got feedback " + mine);
      } else if (ack == Acknowledgement.FULL && !refused && mine.size() != 1) {
        v.add(seed + id + " (ack full) got " + mine.size() + " feedback records, not 1");
      } else if (mine.size() > 1) {
        v.add(seed + id + " got " + mine.size() + " feedback records");
      }
      for (FeedbackRecord r : mine) {
        boolean allowed = r.status().isPositive() ? ack.reportsSuccess() : ack.reportsFailure();
        if (!allowed) {
          v.add(seed + id + " (ack " + ack + ") got feedback " + r.status() + " its mode excludes");
        }
        if (ack != Acknowledgement.NONE && ends.get(0).status() != r.status().commandStatus()) {
          v.add(seed + id + " ended " + ends.get(0).status() + " but its feedback says " + r.status());
        }
      }
    }
    return v;
  }
}
