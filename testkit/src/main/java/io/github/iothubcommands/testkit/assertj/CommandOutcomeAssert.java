package io.github.iothubcommands.testkit.assertj;

import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.CommandStatus;
import io.github.iothubcommands.HubError;
import io.github.iothubcommands.MethodResponse;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;
import org.jspecify.annotations.Nullable;

/**
 * Assertions on a {@link CommandOutcome}; a failure message names the command, its device, its status and
 * the outcome's detail, which usually says why. Created by {@link HubAssertions#assertThat(CommandOutcome)}.
 */
public final class CommandOutcomeAssert extends AbstractAssert<CommandOutcomeAssert, CommandOutcome> {

  CommandOutcomeAssert(@Nullable CommandOutcome actual) {
    super(actual, CommandOutcomeAssert.class);
  }

  /**
   * Checks the outcome's status.
   *
   * @param expected the status
   * @return this assertion
   */
  public CommandOutcomeAssert hasStatus(CommandStatus expected) {
    CommandOutcome o = outcome();
    if (o.status() != expected) {
      fail("to have status " + expected + ", but was " + o.status());
    }
    return this;
  }

  /**
   * Checks that the status counts as success ({@link CommandStatus#isSuccess()}).
   *
   * @return this assertion
   */
  public CommandOutcomeAssert isSuccess() {
    CommandOutcome o = outcome();
    if (!o.isSuccess()) {
      fail("to be a success, but its status was " + o.status());
    }
    return this;
  }

  /**
   * Checks that the status does not count as success.
   *
   * @return this assertion
   */
  public CommandOutcomeAssert isNotSuccess() {
    CommandOutcome o = outcome();
    if (o.isSuccess()) {
      fail("not to be a success, but its status was " + o.status());
    }
    return this;
  }

  /**
   * Checks the hub's error.
   *
   * @param expected the error
   * @return this assertion
   */
  public CommandOutcomeAssert hasHubError(HubError expected) {
    CommandOutcome o = outcome();
    HubError error = o.hubError().orElse(null);
    if (error != expected) {
      fail("to have hub error " + describe(expected) + ", but had "
          + (error == null ? "none" : describe(error)));
    }
    return this;
  }

  /**
   * Checks that the hub reported no error.
   *
   * @return this assertion
   */
  public CommandOutcomeAssert hasNoHubError() {
    CommandOutcome o = outcome();
    o.hubError().ifPresent(error -> fail("to have no hub error, but had " + describe(error)));
    return this;
  }

  /**
   * Checks the status of the device's reply to a direct method.
   *
   * @param expected the reply's status, such as 200
   * @return this assertion
   */
  public CommandOutcomeAssert hasMethodStatus(int expected) {
    String expectation = "to have a device reply with status " + expected;
    MethodResponse response = reply(expectation);
    if (response.status() != expected) {
      fail(expectation + ", but the reply was " + response.status() + " " + response.payloadJson());
    }
    return this;
  }

  /**
   * Checks the device's reply payload, as JSON text exactly as the device sent it.
   *
   * @param expected the JSON text
   * @return this assertion
   */
  public CommandOutcomeAssert hasMethodPayload(String expected) {
    String expectation = "to have a device reply with payload " + expected;
    MethodResponse response = reply(expectation);
    if (!response.payloadJson().equals(expected)) {
      fail(expectation + ", but the payload was " + response.payloadJson());
    }
    return this;
  }

  /**
   * Checks that the status was inferred from feedback that did not arrive ({@link CommandOutcome#inferred()}).
   *
   * @return this assertion
   */
  public CommandOutcomeAssert isInferred() {
    CommandOutcome o = outcome();
    if (!o.inferred()) {
      fail("to be inferred, but the status " + o.status() + " was reported");
    }
    return this;
  }

  /**
   * Checks that the detail contains a text.
   *
   * @param text the text
   * @return this assertion
   */
  public CommandOutcomeAssert hasDetailContaining(String text) {
    Objects.requireNonNull(text, "text");
    CommandOutcome o = outcome();
    if (!o.detail().contains(text)) {
      fail("to have a detail containing \"" + text + "\"");
    }
    return this;
  }

  private MethodResponse reply(String expectation) {
    MethodResponse response = outcome().methodResponse().orElse(null);
    if (response == null) {
      fail(expectation + ", but the device did not reply");
    }
    return response;
  }

  private CommandOutcome outcome() {
    isNotNull();
    return actual;
  }

  private void fail(String expectation) {
    failWithMessage("%nExpecting the outcome of command %s for device %s%n  %s%n%s", actual.commandId(),
        actual.deviceId(), expectation, actual);
  }

  private static String describe(HubError error) {
    return error + " (" + error.errorCode() + ")";
  }
}
