package io.github.iothubcommands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.MethodInvocation;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the client hands a transport, and the guarantees that hold whatever the transport does. */
@Timeout(10)
class CommandClientTransportTest {
  private final RecordingTransport transport = new RecordingTransport();

  @Test
  void cloudToDeviceCarriesIdAsMessageIdAckExpiryAndName() {
    try (CommandClient client = CommandClient.builder().transport(transport).build()) {
      Command c = Command.named("open").component("valve").property("zone", "3").build();
      client.sendAsync("d1", c, CloudToDevice.custom().timeToLive(Duration.ofMinutes(5))
          .acknowledgement(Acknowledgement.POSITIVE).build());
      CloudToDeviceMessage m = (CloudToDeviceMessage) transport.calls.get(0);
      assertThat(m.messageId()).isEqualTo(c.id());
      assertThat(m.acknowledgement()).isEqualTo(Acknowledgement.POSITIVE);
      assertThat(m.properties()).containsEntry("zone", "3").containsEntry(Command.NAME_PROPERTY, "valve*open");
      assertThat(Duration.between(java.time.Instant.now(), m.expiryTime()))
          .isBetween(Duration.ofMinutes(4), Duration.ofMinutes(5));
    }
  }

  @Test
  void directMethodCarriesWireNameAndTimeouts() {
    try (CommandClient client = CommandClient.builder().transport(transport).build()) {
      client.sendAsync("d1", Command.named("reboot").component("sys").jsonPayload(5).build(),
          DirectMethod.custom().connectTimeout(Duration.ofSeconds(10)).build());
      MethodInvocation inv = (MethodInvocation) transport.calls.get(0);
      assertThat(inv.methodName()).isEqualTo("sys*reboot");
      assertThat(inv.payloadJson()).isEqualTo("5");
      assertThat(inv.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
      assertThat(inv.responseTimeout()).isEqualTo(Duration.ofSeconds(30));
    }
  }

  @Test
  void sameIdCannotBeInFlightTwice() {
    try (CommandClient client = CommandClient.builder().transport(transport).build()) {
      Command c = Command.named("x").build();
      client.sendAsync("d1", c, DeliveryStrategy.directMethod());
      assertThatThrownBy(() -> client.sendAsync("d2", c, DeliveryStrategy.directMethod()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("command id '" + c.id() + "' is already in flight (to device d1, status QUEUED)");
      assertThat(transport.calls).hasSize(1);
    }
  }

  @Test
  void closingCompletesEveryCommandInFlightAndClosesTheTransport() {
    CommandClient client = CommandClient.builder().transport(transport).build();
    CommandHandle pending = client.sendAsync("d1", Command.named("x").build(), DeliveryStrategy.directMethod());
    assertThat(pending.status()).isEqualTo(CommandStatus.QUEUED); // a method is sent once the device is reached
    client.close();
    CommandOutcome outcome = pending.outcome().join();
    assertThat(outcome.status()).isEqualTo(CommandStatus.FAILED);
    assertThat(outcome.detail()).contains("client closed");
    assertThat(transport.closed).isTrue();
    assertThat(transport.feedbackStopped).isTrue();
    assertThatThrownBy(() -> client.sendAsync("d1", Command.named("x").build(), DeliveryStrategy.directMethod()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("client is closed");
  }

  @Test
  void aTransportThatThrowsStillYieldsAnOutcome() {
    RecordingTransport throwing = new RecordingTransport() {
      @Override
      public java.util.concurrent.CompletableFuture<Void> sendCloudToDevice(CloudToDeviceMessage message) {
        throw new IllegalStateException("connection lost");
      }
    };
    try (CommandClient client = CommandClient.builder().transport(throwing).build()) {
      CommandOutcome o = client.send("d1", Command.named("x").build(), DeliveryStrategy.cloudToDevice());
      assertThat(o.status()).isEqualTo(CommandStatus.FAILED);
      assertThat(o.hubError()).contains(HubError.UNKNOWN);
      assertThat(o.detail()).isEqualTo("connection lost");
    }
  }

  @Test
  void outcomeFutureCannotBeCompletedByTheCaller() {
    try (CommandClient client = CommandClient.builder().transport(transport).build()) {
      CommandHandle h = client.sendAsync("d1", Command.named("x").build(), DeliveryStrategy.directMethod());
      h.outcome().complete(null);
      h.outcome().cancel(true);
      assertThat(h.outcome()).isNotDone();
      assertThat(h.status()).isEqualTo(CommandStatus.QUEUED);
    }
  }
}
