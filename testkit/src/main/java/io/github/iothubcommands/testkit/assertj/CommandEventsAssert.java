package io.github.iothubcommands.testkit.assertj;

import io.github.iothubcommands.CommandEvent;
import io.github.iothubcommands.CommandStatus;
import java.util.List;
import org.assertj.core.api.AbstractAssert;
import org.jspecify.annotations.Nullable;

/**
 * Assertions on the events a {@code CommandListener} saw, in order. Created by {@link
 * HubAssertions#assertThatEvents(List)}.
 */
public final class CommandEventsAssert extends AbstractAssert<CommandEventsAssert, List<CommandEvent>> {

  CommandEventsAssert(@Nullable List<CommandEvent> actual) {
    super(actual, CommandEventsAssert.class);
  }

  /**
   * Checks the statuses one command went through, in order, among the events of all commands: for example
   * {@code QUEUED, SENT, DELIVERED}.
   *
   * @param commandId the command id
   * @param expected every status of that command's events, in order
   * @return this assertion
   */
  public CommandEventsAssert hasStatusesFor(String commandId, CommandStatus... expected) {
    isNotNull();
    List<CommandStatus> statuses = actual.stream().filter(e -> e.commandId().equals(commandId))
        .map(CommandEvent::status).toList();
    if (!statuses.equals(List.of(expected))) {
      failWithMessage("%nExpecting the events of command %s to have the statuses%n  %s%nbut they had%n  %s%n"
          + "(%d events in all)", commandId, List.of(expected), statuses, actual.size());
    }
    return this;
  }
}
