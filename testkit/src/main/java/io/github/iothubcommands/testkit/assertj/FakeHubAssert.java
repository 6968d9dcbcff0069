package io.github.iothubcommands.testkit.assertj;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.FeedbackRecord;
import io.github.iothubcommands.spi.FeedbackStatus;
import io.github.iothubcommands.spi.MethodInvocation;
import io.github.iothubcommands.testkit.FakeHub;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.assertj.core.api.AbstractAssert;
import org.jspecify.annotations.Nullable;

/**
 * Assertions on what a {@link FakeHub} saw. Count assertions are exact whatever the record limit dropped;
 * those that look for a particular call or feedback record search the records the hub kept (and that were
 * not taken), and say so when they fail while records were dropped. Created by {@link
 * HubAssertions#assertThat(FakeHub)}.
 */
public final class FakeHubAssert extends AbstractAssert<FakeHubAssert, FakeHub> {

  FakeHubAssert(@Nullable FakeHub actual) {
    super(actual, FakeHubAssert.class);
  }

  /**
   * Checks how many cloud-to-device messages the hub accepted.
   *
   * @param expected the number of messages
   * @return this assertion
   */
  public FakeHubAssert hasMessageCount(int expected) {
    return hasCount(hub().messageCount(), expected,
        c -> "to have accepted " + expected + " messages, but it accepted " + c, this::messagesSeen);
  }

  /**
   * Checks how many cloud-to-device messages the hub accepted for one device.
   *
   * @param deviceId the device
   * @param expected the number of messages
   * @return this assertion
   */
  public FakeHubAssert hasMessageCountFor(String deviceId, int expected) {
    return hasCount(hub().messageCount(deviceId), expected,
        c -> "to have accepted " + expected + " messages for device " + deviceId + ", but it accepted " + c,
        this::messagesSeen);
  }

  /**
   * Checks that the hub accepted at least one cloud-to-device message for a device.
   *
   * @param deviceId the device
   * @return this assertion
   */
  public FakeHubAssert hasReceivedMessageFor(String deviceId) {
    if (hub().messageCount(deviceId) == 0) {
      fail("to have accepted a message for device " + deviceId + ", but it accepted none for it", messagesSeen());
    }
    return this;
  }

  /**
   * Checks that the hub accepted no cloud-to-device message for a device.
   *
   * @param deviceId the device
   * @return this assertion
   */
  public FakeHubAssert hasNoMessageFor(String deviceId) {
    int count = hub().messageCount(deviceId);
    if (count != 0) {
      fail("to have accepted no message for device " + deviceId + ", but it accepted " + count, messagesSeen());
    }
    return this;
  }

  /**
   * Checks how many direct method calls the hub received (accepted or refused).
   *
   * @param expected the number of calls
   * @return this assertion
   */
  public FakeHubAssert hasInvocationCount(int expected) {
    return hasCount(hub().invocationCount(), expected,
        c -> "to have received " + expected + " method calls, but it received " + c, this::callsSeen);
  }

  /**
   * Checks how many direct method calls the hub received for one device.
   *
   * @param deviceId the device
   * @param expected the number of calls
   * @return this assertion
   */
  public FakeHubAssert hasInvocationCountFor(String deviceId, int expected) {
    return hasCount(hub().invocationCount(deviceId), expected,
        c -> "to have received " + expected + " method calls for device " + deviceId + ", but it received " + c,
        this::callsSeen);
  }

  /**
   * Checks that the hub kept a call of a direct method on a device.
   *
   * @param deviceId the device
   * @param methodName the method's wire name ({@code component*name} for a component)
   * @return this assertion
   */
  public FakeHubAssert hasReceivedInvocation(String deviceId, String methodName) {
    boolean found = hub().recordedInvocations().stream()
        .anyMatch(i -> i.deviceId().equals(deviceId) && i.methodName().equals(methodName));
    if (!found) {
      fail("to have received a call of method " + methodName + " on device " + deviceId + ", but it did not",
          callsSeen());
    }
    return this;
  }

  /**
   * Checks how many feedback records the hub emitted. Feedback is batched: advance the hub past the batch
   * interval (15 s by default) or call {@link FakeHub#flushFeedback()} first.
   *
   * @param expected the number of records
   * @return this assertion
   */
  public FakeHubAssert hasFeedbackCount(int expected) {
    return hasCount(hub().feedbackCount(), expected,
        c -> "to have emitted " + expected + " feedback records, but it emitted " + c, this::feedbackSeen);
  }

  /**
   * Checks that the hub kept a feedback record with this status for a command (its cloud-to-device message
   * id is the command id). Feedback is batched: advance the hub or {@link FakeHub#flushFeedback()} first.
   *
   * @param commandId the command id (the message's id)
   * @param status the feedback status
   * @return this assertion
   */
  public FakeHubAssert hasFeedbackFor(String commandId, FeedbackStatus status) {
    boolean found = hub().recordedFeedback().stream()
        .anyMatch(f -> f.originalMessageId().equals(commandId) && f.status() == status);
    if (!found) {
      fail("to have emitted feedback " + status + " for command " + commandId + ", but it did not (feedback is "
          + "batched: advance past the batch interval or flushFeedback())", feedbackSeen());
    }
    return this;
  }

  /**
   * Checks how many messages wait in a device's queue, locked ones included.
   *
   * @param deviceId the device
   * @param expected the queue depth
   * @return this assertion
   */
  public FakeHubAssert hasQueueDepth(String deviceId, int expected) {
    return hasCount(hub().queueDepth(deviceId), expected,
        c -> "to have " + expected + " messages queued for device " + deviceId + ", but it had " + c, () -> "");
  }

  /**
   * Checks that the record limit dropped nothing, so that the record-searching assertions saw everything.
   *
   * @return this assertion
   */
  public FakeHubAssert hasDroppedNoRecords() {
    int dropped = hub().droppedRecordCount();
    if (dropped != 0) {
      fail("to have kept every record, but its record limit of " + actual.recordLimit() + " dropped " + dropped
          + "; raise it with FakeHub.builder().recordLimit(n) or @FakeHubSettings(recordLimit = n)", "");
    }
    return this;
  }

  private FakeHubAssert hasCount(int count, int expected, IntFunction<String> expectation, Supplier<String> seen) {
    if (count != expected) {
      fail(expectation.apply(count), seen.get());
    }
    return this;
  }

  private FakeHub hub() {
    isNotNull();
    return actual;
  }

  private void fail(String expectation, String seen) {
    failWithMessage("%nExpecting the hub%n  %s%s", expectation, seen);
  }

  private String messagesSeen() {
    List<String> kept = actual.recordedMessages().stream().map(FakeHubAssert::describe).toList();
    return seen("messages", kept);
  }

  private String callsSeen() {
    List<String> kept = actual.recordedInvocations().stream().map(FakeHubAssert::describe).toList();
    return seen("method calls", kept);
  }

  private String feedbackSeen() {
    List<String> kept = actual.recordedFeedback().stream().map(FakeHubAssert::describe).toList();
    return seen("feedback records", kept);
  }

  private String seen(String kind, List<String> kept) {
    int dropped = actual.droppedRecordCount();
    return String.format("%n%s kept (not taken)%s: %s", kind,
        dropped == 0 ? "" : ", after the record limit dropped " + dropped + " records", abbreviate(kept));
  }

  private static String abbreviate(List<String> items) {
    int max = 20;
    return items.size() <= max ? items.toString()
        : items.subList(items.size() - max, items.size()) + " (the last " + max + " of " + items.size() + ")";
  }

  private static String describe(CloudToDeviceMessage m) {
    return m.deviceId() + ":" + m.properties().getOrDefault(Command.NAME_PROPERTY, m.messageId());
  }

  private static String describe(MethodInvocation i) {
    return i.deviceId() + ":" + i.methodName();
  }

  private static String describe(FeedbackRecord f) {
    return f.originalMessageId() + ":" + f.status();
  }
}
