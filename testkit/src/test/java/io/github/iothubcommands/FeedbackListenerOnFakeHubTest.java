package io.github.iothubcommands;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.FeedbackRecord;
import io.github.iothubcommands.spi.FeedbackStatus;
import io.github.iothubcommands.testkit.FakeHub;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Feedback listeners: every record the client receives, its own commands' and others', after correlation. */
@Timeout(10)
class FeedbackListenerOnFakeHubTest {
  private final FakeHub hub = FakeHub.create();
  private final List<FeedbackRecord> seen = new CopyOnWriteArrayList<>();
  private final List<Boolean> outcomeKnownWhenSeen = new CopyOnWriteArrayList<>();
  private CommandHandle handle;
  private final CommandClient client = CommandClient.builder().transport(hub.transport())
      .feedbackListener(record -> {
        throw new IllegalStateException("a failing listener must not stop the others");
      })
      .feedbackListener(record -> {
        seen.add(record);
        outcomeKnownWhenSeen.add(handle != null && handle.outcome().isDone());
      })
      .build();

  @AfterEach
  void close() {
    client.close();
    hub.close();
  }

  @Test
  void listenerSeesOwnCommandsFeedbackAfterItsOutcomeAndRecordsNobodyTracks() {
    hub.device("lamp-1").connect();
    handle = client.sendAsync("lamp-1", Command.named("on").id("own-1").build(), DeliveryStrategy.cloudToDevice());
    hub.transport().sendCloudToDevice(CloudToDeviceMessage.builder().deviceId("lamp-1").messageId("foreign-1")
        .expiryTime(hub.now().plus(Duration.ofHours(1))).build()).join(); // as another instance would send it

    hub.advance(Duration.ofSeconds(15)); // one feedback batch

    assertThat(handle.outcome().join().status()).isEqualTo(CommandStatus.DELIVERED);
    assertThat(seen).extracting(FeedbackRecord::originalMessageId).containsExactly("own-1", "foreign-1");
    assertThat(seen).extracting(FeedbackRecord::status).containsOnly(FeedbackStatus.SUCCESS);
    assertThat(outcomeKnownWhenSeen).containsExactly(true, true);
  }
}
