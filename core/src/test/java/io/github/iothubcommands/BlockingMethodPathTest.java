package io.github.iothubcommands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.github.iothubcommands.spi.BlockingMethodTransport;
import io.github.iothubcommands.spi.MethodInvocation;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code send} of a plain direct method on a {@link BlockingMethodTransport} runs on the caller's thread and
 * reports the same lifecycle as the asynchronous path.
 */
@Timeout(10)
class BlockingMethodPathTest {
  private final List<CommandEvent> events = new CopyOnWriteArrayList<>();

  /** Answers blocking calls with {@code answer} and records the thread; the asynchronous path answers 200. */
  static final class BlockingTransport extends RecordingTransport implements BlockingMethodTransport {
    final List<Thread> blockingThreads = new CopyOnWriteArrayList<>();
    final Function<MethodInvocation, MethodResponse> answer;

    BlockingTransport(Function<MethodInvocation, MethodResponse> answer) {
      this.answer = answer;
    }

    @Override
    public CompletableFuture<MethodResponse> invokeMethod(MethodInvocation invocation) {
      calls.add(invocation);
      return CompletableFuture.completedFuture(new MethodResponse(200, "{\"async\":true}"));
    }

    @Override
    public MethodResponse invokeMethodBlocking(MethodInvocation invocation) {
      blockingThreads.add(Thread.currentThread());
      return answer.apply(invocation);
    }
  }

  private CommandClient client(BlockingTransport transport) {
    return CommandClient.builder().transport(transport).listener(events::add).build();
  }

  private List<org.assertj.core.groups.Tuple> transitions() {
    return events.stream().map(e -> tuple(e.previous().orElse(null), e.status())).toList();
  }

  @Test
  void sendCallsTheTransportOnTheCallersThread() {
    BlockingTransport transport = new BlockingTransport(i -> new MethodResponse(200, "{\"blocking\":true}"));
    try (CommandClient client = client(transport)) {
      CommandOutcome o = client.send("d1", Command.named("ping").build(), DeliveryStrategy.directMethod());

      assertThat(transport.blockingThreads).containsExactly(Thread.currentThread());
      assertThat(transport.calls).as("the asynchronous call is not made").isEmpty();
      assertThat(o.status()).isEqualTo(CommandStatus.SUCCEEDED);
      assertThat(o.methodResponse()).contains(new MethodResponse(200, "{\"blocking\":true}"));
      assertThat(transitions()).containsExactly(tuple(null, CommandStatus.QUEUED),
          tuple(CommandStatus.QUEUED, CommandStatus.SENT), tuple(CommandStatus.SENT, CommandStatus.SUCCEEDED));
    }
  }

  @Test
  void sendAsyncAndCloudToDeviceKeepTheAsynchronousPath() {
    BlockingTransport transport = new BlockingTransport(i -> new MethodResponse(200, "{}"));
    try (CommandClient client = client(transport)) {
      CommandOutcome o = client.sendAsync("d1", Command.named("ping").build(), DeliveryStrategy.directMethod())
          .outcome().join();
      client.sendAsync("d1", Command.named("note").build(), CloudToDevice.custom()
          .acknowledgement(Acknowledgement.NONE).build()).outcome().join();

      assertThat(o.methodResponse()).contains(new MethodResponse(200, "{\"async\":true}"));
      assertThat(transport.blockingThreads).isEmpty();
      assertThat(transport.calls).hasSize(2);
    }
  }

  @Test
  void hubErrorsMapAsOnTheAsynchronousPath() {
    BlockingTransport offline = new BlockingTransport(i -> {
      throw HubException.of(HubError.DEVICE_NOT_ONLINE, "device d1 is not online");
    });
    try (CommandClient client = client(offline)) {
      CommandOutcome o = client.send("d1", Command.named("ping").build(), DeliveryStrategy.directMethod());
      assertThat(o.status()).isEqualTo(CommandStatus.DEVICE_OFFLINE);
      assertThat(transitions()).containsExactly(tuple(null, CommandStatus.QUEUED),
          tuple(CommandStatus.QUEUED, CommandStatus.DEVICE_OFFLINE));
    }
    events.clear();
    BlockingTransport timeout = new BlockingTransport(i -> {
      throw HubException.of(HubError.GATEWAY_TIMEOUT, "no answer");
    });
    try (CommandClient client = client(timeout)) {
      CommandOutcome o = client.send("d1", Command.named("ping").build(), DeliveryStrategy.directMethod());
      assertThat(o.status()).isEqualTo(CommandStatus.TIMED_OUT);
      assertThat(transitions()).as("504: the device was reached").containsExactly(tuple(null, CommandStatus.QUEUED),
          tuple(CommandStatus.QUEUED, CommandStatus.SENT), tuple(CommandStatus.SENT, CommandStatus.TIMED_OUT));
    }
  }

  @Test
  void aTransportBugEndsTheCommandFailedAndFreesItsId() {
    BlockingTransport nulls = new BlockingTransport(i -> null);
    BlockingTransport throwing = new BlockingTransport(i -> {
      throw new IllegalStateException("socket closed");
    });
    Command ping = Command.named("ping").build();
    for (BlockingTransport transport : List.of(nulls, throwing)) {
      try (CommandClient client = client(transport)) {
        for (int i = 0; i < 2; i++) { // the same id twice: the first call released it
          CommandOutcome o = client.send("d1", ping, DeliveryStrategy.directMethod());
          assertThat(o.status()).isEqualTo(CommandStatus.FAILED);
          assertThat(o.hubError()).contains(HubError.UNKNOWN);
        }
      }
    }
  }

  @Test
  void nothingIsCalledOnAClosedClient() {
    BlockingTransport transport = new BlockingTransport(i -> new MethodResponse(200, "{}"));
    CommandClient client = client(transport);
    client.close();
    assertThatThrownBy(() -> client.send("d1", Command.named("ping").build(), DeliveryStrategy.directMethod()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("client is closed");
    assertThat(transport.blockingThreads).isEmpty();
  }
}
