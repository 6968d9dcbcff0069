package io.github.iothubcommands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.FeedbackRecord;
import io.github.iothubcommands.spi.FeedbackStatus;
import io.github.iothubcommands.spi.MethodInvocation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The public values' builders: required parts checked at build(), immutability, context carried. */
class PublicValuesTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void anOutcomeNeedsItsRequiredPartsAndATerminalStatus() {
    assertThatThrownBy(() -> CommandOutcome.builder().commandId("c").deviceId("d").status(CommandStatus.DELIVERED)
        .build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("completedAt was not");
    assertThatThrownBy(() -> CommandOutcome.builder().status(CommandStatus.SENT))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("status must be terminal, but was SENT");
    CommandOutcome o = CommandOutcome.builder().commandId("c").deviceId("d").status(CommandStatus.FAILED)
        .hubError(HubError.THROTTLED).detail("busy").completedAt(T).build();
    assertThat(o.toBuilder().build()).isEqualTo(o);
    assertThat(o.toBuilder().detail("other").build()).isNotEqualTo(o);
    assertThat(o.inferred()).isFalse();
    assertThat(o.methodResponse()).isEmpty();
  }

  @Test
  void anEventCarriesAnOutcomeExactlyWhenItsStatusIsTerminal() {
    CommandOutcome o = CommandOutcome.builder().commandId("c").deviceId("d").status(CommandStatus.SUCCEEDED)
        .completedAt(T).build();
    assertThatThrownBy(() -> CommandEvent.builder().commandId("c").deviceId("d").status(CommandStatus.SUCCEEDED)
        .at(T).build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("outcome absent");
    assertThatThrownBy(() -> CommandEvent.builder().commandId("c").deviceId("d").status(CommandStatus.SENT).at(T)
        .outcome(o).build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("outcome present");
    CommandEvent e = CommandEvent.builder().commandId("c").deviceId("d").previous(CommandStatus.SENT)
        .status(CommandStatus.SUCCEEDED).at(T).outcome(o).build();
    assertThat(e.previous()).contains(CommandStatus.SENT);
    assertThat(e.outcome()).contains(o);
  }

  @Test
  void aHubExceptionCarriesItsContextAsGetters() {
    HubException e = HubException.builder(HubError.THROTTLED).errorCode(429002).deviceId("d1").commandId("c1")
        .attempt(2).detail("slow down").build();
    assertThat(e.getMessage()).isEqualTo("THROTTLED (429002): slow down");
    assertThat(e.errorCode()).isEqualTo(429002);
    assertThat(e.httpStatus()).isEqualTo(429);
    assertThat(e.deviceId()).contains("d1");
    assertThat(e.commandId()).contains("c1");
    assertThat(e.attempt()).hasValue(2);
    assertThat(HubException.of(HubError.DEVICE_NOT_ONLINE, "x").errorCode()).isEqualTo(404103);
    assertThat(e.toBuilder().attempt(3).build().attempt()).hasValue(3);
    assertThatThrownBy(() -> HubException.builder(HubError.UNKNOWN).attempt(0))
        .hasMessage("attempt must be at least 1, but was 0");
  }

  @Test
  void aMessageCopiesItsPayloadInAndOut() {
    byte[] payload = "{}".getBytes(StandardCharsets.UTF_8);
    CloudToDeviceMessage m = CloudToDeviceMessage.builder().deviceId("d").messageId("m")
        .payload(payload, Command.JSON).properties(Map.of("k", "v")).expiryTime(T).build();
    payload[0] = 'X';
    m.payload()[1] = 'Y';
    assertThat(m.payloadAsString()).isEqualTo("{}");
    assertThat(m.acknowledgement()).isEqualTo(CloudToDeviceMessage.DEFAULT_ACKNOWLEDGEMENT);
    assertThat(m.size()).isEqualTo(2 + 2);
    assertThat(m.toBuilder().build()).isEqualTo(m);
    assertThatThrownBy(() -> CloudToDeviceMessage.builder().deviceId("d").messageId("m").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("expiryTime was not");
  }

  @Test
  void aMessagesSizeCountsPropertiesInUtf8() {
    assertThat(CloudToDeviceMessage.sizeOf(10, Map.of("é", "€😀"))).isEqualTo(10 + 2 + 3 + 4);
  }

  @Test
  void aFeedbackRecordDescribesItsStatusByDefault() {
    FeedbackRecord r = FeedbackRecord.builder().originalMessageId("m").deviceId("d")
        .status(FeedbackStatus.EXPIRED).enqueuedTime(T).build();
    assertThat(r.description()).isEqualTo("Expired");
    assertThat(r.deviceGenerationId()).isEmpty();
    assertThatThrownBy(() -> FeedbackRecord.builder().deviceId("d").build())
        .hasMessageContaining("originalMessageId was not");
  }

  @Test
  void anInvocationDefaultsToTheDirectMethodDefaults() {
    MethodInvocation i = MethodInvocation.builder().deviceId("d").methodName("m").build();
    assertThat(i.payloadJson()).isEqualTo("null");
    assertThat(i.connectTimeout()).isEqualTo(DirectMethod.DEFAULT_CONNECT_TIMEOUT);
    assertThat(i.responseTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(i.toBuilder().build()).isEqualTo(i);
  }
}
