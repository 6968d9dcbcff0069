package io.github.iothubcommands.testkit.assertj;

import io.github.iothubcommands.CommandEvent;
import io.github.iothubcommands.CommandStatus;
import org.assertj.core.api.AbstractAssert;
import org.jspecify.annotations.Nullable;

/**
 * Assertions on one {@link CommandEvent}. Created by {@link HubAssertions#assertThat(CommandEvent)}.
 */
public final class CommandEventAssert extends AbstractAssert<CommandEventAssert, CommandEvent> {

  CommandEventAssert(@Nullable CommandEvent actual) {
    super(actual, CommandEventAssert.class);
  }

  /**
   * Checks the status the command moved to.
   *
   * @param expected the status
   * @return this assertion
   */
  public CommandEventAssert hasStatus(CommandStatus expected) {
    CommandEvent e = event();
    if (e.status() != expected) {
      fail("to have status " + expected + ", but was " + e.status());
    }
    return this;
  }

  /**
   * Checks the transition: from which status to which.
   *
   * @param from the previous status, or {@code null} for the first event ({@link CommandStatus#QUEUED})
   * @param to the status now
   * @return this assertion
   */
  public CommandEventAssert isTransition(@Nullable CommandStatus from, CommandStatus to) {
    CommandEvent e = event();
    CommandStatus previous = e.previous().orElse(null);
    if (previous != from || e.status() != to) {
      fail("to be the transition " + from + " -> " + to + ", but was " + previous + " -> " + e.status());
    }
    return this;
  }

  /**
   * Checks that the command reached its terminal status with this event, and returns assertions on the
   * outcome it carries.
   *
   * @return assertions on the outcome
   */
  public CommandOutcomeAssert hasOutcome() {
    CommandEvent e = event();
    if (e.outcome().isEmpty()) {
      fail("to carry an outcome, but its status " + e.status() + " is not terminal");
    }
    return new CommandOutcomeAssert(e.outcome().orElseThrow());
  }

  private CommandEvent event() {
    isNotNull();
    return actual;
  }

  private void fail(String expectation) {
    failWithMessage("%nExpecting the event of command %s for device %s%n  %s%n%s", actual.commandId(),
        actual.deviceId(), expectation, actual);
  }
}
