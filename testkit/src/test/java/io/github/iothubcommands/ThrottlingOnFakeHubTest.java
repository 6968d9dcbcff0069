package io.github.iothubcommands;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubcommands.HubTier;
import io.github.iothubcommands.engine.HubLimits;
import io.github.iothubcommands.testkit.FakeHub;
import io.github.iothubcommands.testkit.MethodReply;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A command past the hub's quota, through the client on virtual time: FAILED with THROTTLED, and later it fits. */
@Timeout(10)
class ThrottlingOnFakeHubTest {
  /** One S1 unit, strict per second: 1.67 C2D sends/s, 40 small method calls/s (4 KB meter). */
  private static final HubLimits S1_STRICT = HubLimits.custom().tier(HubTier.S1, 1)
      .throttleBurst(Duration.ofSeconds(1)).build();

  @Test
  void aCloudToDeviceSendPastTheQuotaFailsThrottledAndIsNotQueued() {
    try (FakeHub hub = FakeHub.create(S1_STRICT);
        CommandClient client = CommandClient.builder().transport(hub.transport()).build()) {
      hub.device("d1");
      CloudToDevice noAck = CloudToDevice.custom().acknowledgement(Acknowledgement.NONE).build();
      assertThat(client.send("d1", Command.named("a").build(), noAck).status()).isEqualTo(CommandStatus.ACCEPTED);
      CommandOutcome throttled = client.send("d1", Command.named("b").build(), noAck);
      assertThat(throttled.status()).isEqualTo(CommandStatus.FAILED);
      assertThat(throttled.hubError()).contains(HubError.THROTTLED);
      assertThat(hub.queueDepth("d1")).isEqualTo(1);
      hub.advance(Duration.ofSeconds(1)); // the bucket refills at 1.67/s
      assertThat(client.send("d1", Command.named("c").build(), noAck).status()).isEqualTo(CommandStatus.ACCEPTED);
    }
  }

  @Test
  void aDirectMethodPastTheQuotaFailsThrottledAndNeverReachesTheDevice() {
    try (FakeHub hub = FakeHub.create(S1_STRICT);
        CommandClient client = CommandClient.builder().transport(hub.transport()).build()) {
      hub.device("d1").onMethod("ping", MethodReply.respond(200, "{}")).connect();
      for (int i = 0; i < 40; i++) {
        assertThat(client.send("d1", Command.named("ping").build(), DeliveryStrategy.directMethod()).status())
            .isEqualTo(CommandStatus.SUCCEEDED);
      }
      CommandOutcome throttled = client.send("d1", Command.named("ping").build(), DeliveryStrategy.directMethod());
      assertThat(throttled.status()).isEqualTo(CommandStatus.FAILED);
      assertThat(throttled.hubError()).contains(HubError.THROTTLED);
      assertThat(hub.device("d1").methodCallCount()).isEqualTo(40);
      hub.advance(Duration.ofSeconds(1));
      assertThat(client.send("d1", Command.named("ping").build(), DeliveryStrategy.directMethod()).status())
          .isEqualTo(CommandStatus.SUCCEEDED);
    }
  }
}
