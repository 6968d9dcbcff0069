package io.github.iothubcommands.reactor;

import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandClientBuilder;
import io.github.iothubcommands.CommandEvent;
import io.github.iothubcommands.testkit.FakeHub;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * A fake hub and a reactive client on one Reactor virtual clock, so that {@code StepVerifier.withVirtualTime}
 * moves the hub's timers (device replies, method timeouts, feedback batches) and the client's together.
 */
final class VirtualHub implements AutoCloseable {
  final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
  final ReactorTimeSource hubTime = ReactorTimeSource.on(vts);
  final FakeHub hub = FakeHub.builder().timeSource(hubTime).build();
  /** Every event the command client saw, whichever publisher sent the command. */
  final List<CommandEvent> events = new CopyOnWriteArrayList<>();
  final ReactiveCommandClient client;

  VirtualHub() {
    this(b -> b);
  }

  VirtualHub(UnaryOperator<CommandClientBuilder> configure) {
    client = ReactiveCommandClient.builder()
        .commandClient(configure.apply(CommandClient.builder().transport(hub.transport()).listener(events::add)))
        .scheduler(vts)
        .build();
  }

  @Override
  public void close() {
    client.close();
    hub.close();
    hubTime.close();
    vts.dispose();
  }
}
