package io.github.iothubcommands.testkit.assertj;

import io.github.iothubcommands.CommandEvent;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.testkit.FakeHub;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Entry point for the testkit's AssertJ assertions. Import its {@code assertThat} statically beside AssertJ's
 * own: the overloads for the library's types are chosen over AssertJ's {@code assertThat(Object)}.
 *
 * <pre>{@code
 * import static io.github.iothubcommands.testkit.assertj.HubAssertions.assertThat;
 * import static org.assertj.core.api.Assertions.assertThat;
 *
 * assertThat(client.send("lamp-1", on, DeliveryStrategy.directMethod()))
 *     .hasStatus(CommandStatus.SUCCEEDED).hasMethodStatus(200);
 * assertThat(hub).hasReceivedInvocation("lamp-1", "on").hasNoMessageFor("lamp-1");
 * }</pre>
 */
public final class HubAssertions {
  private HubAssertions() {}

  /**
   * Starts assertions on what a hub saw: counts (exact, whatever the record limit dropped) and records.
   *
   * @param actual the hub
   * @return the assertions
   */
  public static FakeHubAssert assertThat(@Nullable FakeHub actual) {
    return new FakeHubAssert(actual);
  }

  /**
   * Starts assertions on a command's outcome.
   *
   * @param actual the outcome
   * @return the assertions
   */
  public static CommandOutcomeAssert assertThat(@Nullable CommandOutcome actual) {
    return new CommandOutcomeAssert(actual);
  }

  /**
   * Starts assertions on one command event.
   *
   * @param actual the event
   * @return the assertions
   */
  public static CommandEventAssert assertThat(@Nullable CommandEvent actual) {
    return new CommandEventAssert(actual);
  }

  /**
   * Starts assertions on the events a listener saw, for example to check the transitions of one command.
   *
   * @param actual the events, in the order the listener saw them
   * @return the assertions
   */
  public static CommandEventsAssert assertThatEvents(@Nullable List<CommandEvent> actual) {
    return new CommandEventsAssert(actual);
  }
}
