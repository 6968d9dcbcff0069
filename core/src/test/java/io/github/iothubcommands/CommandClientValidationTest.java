package io.github.iothubcommands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.MethodInvocation;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bad input of every kind fails before anything reaches the transport. */
@Timeout(10)
class CommandClientValidationTest {
  private final RecordingTransport transport = new RecordingTransport();
  private final CommandClient client = CommandClient.builder().transport(transport).build();

  @AfterEach
  void nothingWasSent() {
    assertThat(transport.calls).isEmpty();
    client.close();
  }

  @Test
  void invalidDeviceId() {
    assertThatThrownBy(() -> client.sendAsync("bad/id", Command.named("x").build(), DeliveryStrategy.directMethod()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("deviceId must contain only");
    assertThatThrownBy(() -> client.sendAsync("d".repeat(129), Command.named("x").build(), DeliveryStrategy.cloudToDevice()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("deviceId must be at most 128 characters");
  }

  @Test
  void nullArguments() {
    assertThatThrownBy(() -> client.sendAsync("d1", null, DeliveryStrategy.directMethod()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("command must not be null");
    assertThatThrownBy(() -> client.sendAsync("d1", Command.named("x").build(), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("strategy must not be null");
    assertThatThrownBy(() -> client.sendAsync(null, Command.named("x").build(), DeliveryStrategy.directMethod()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("deviceId must not be null");
  }

  @Test
  void cloudToDeviceOver64KilobytesIncludingProperties() {
    Command justOver = Command.named("x").payload(new byte[64 * 1024 - 10], "application/octet-stream")
        .property("k", "v".repeat(10)).build(); // + name property -> over
    assertThatThrownBy(() -> client.sendAsync("d1", justOver, DeliveryStrategy.cloudToDevice()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageMatching("cloud-to-device message \\(payload \\+ properties\\) of command .* must be at most "
            + "65536 bytes, but was \\d+ bytes");
  }

  @Test
  void directMethodPayloadOver128Kilobytes() {
    Command big = Command.named("x").jsonPayload("a".repeat(128 * 1024)).build();
    assertThatThrownBy(() -> client.sendAsync("d1", big, DeliveryStrategy.directMethod()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageMatching("direct method payload of command .* must be at most 131072 bytes, but was 131074 bytes");
  }

  @Test
  void directMethodNeedsJsonAndNoProperties() {
    Command bytes = Command.named("x").payload(new byte[] {1}, "application/octet-stream").build();
    assertThatThrownBy(() -> client.sendAsync("d1", bytes, DeliveryStrategy.directMethod()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be JSON (application/json) to travel as a direct method, but was application/octet-stream");
    Command withProps = Command.named("x").property("k", "v").build();
    assertThatThrownBy(() -> client.sendAsync("d1", withProps, DeliveryStrategy.directMethod()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be empty to travel as a direct method (methods carry no properties), but were [k]");
  }

  @Test
  void invalidStepFailsTheWholePlanBeforeTheFirstStepIsSent() {
    SequencePlan plan = SequencePlan.forDevice("d1")
        .then(Command.named("ok").build(), DeliveryStrategy.cloudToDevice())
        .then(Command.named("bad").property("k", "v").build(), DeliveryStrategy.directMethod())
        .build();
    assertThatThrownBy(() -> client.runAsync(plan)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void planRefusesRepeatedCommandIds() {
    Command c = Command.named("x").build();
    assertThatThrownBy(() -> SequencePlan.forDevice("d1").then(c, DeliveryStrategy.directMethod())
        .then(c, DeliveryStrategy.directMethod()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("steps[1].command.id must differ from every other command id in the plan (ids are idempotency "
            + "keys), but was '" + c.id() + "', the id of steps[0].command");
  }

  @Test
  void builderNeedsATransport() {
    assertThatThrownBy(() -> CommandClient.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("transport must be set");
    assertThatThrownBy(() -> CommandClient.builder().feedbackWindow(Duration.ofDays(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("feedbackWindow must be between 0 s and 86400 s, but was 172800 s");
  }
}
