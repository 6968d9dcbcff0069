package io.github.iothubcommands.testkit;

import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandEvent;
import io.github.iothubcommands.CommandOutcome;
import io.github.iothubcommands.DeliveryStrategy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** For tests: a command client on a hub, the events it published, and one-line sends. Closing closes both. */
public final class ClientOnHub implements AutoCloseable {
  /** The hub. */
  public final FakeHub hub;
  /** Every event the client published, in order. */
  public final List<CommandEvent> events = new CopyOnWriteArrayList<>();
  /** The client, on {@code hub.transport()}. */
  public final CommandClient client;

  public ClientOnHub(FakeHub hub) {
    this.hub = hub;
    this.client = CommandClient.builder().transport(hub.transport()).listener(events::add).build();
  }

  /** Sends a command named {@code name} as a C2D message (default strategy); returns its id. */
  public String send(String deviceId, String name) {
    Command command = Command.named(name).build();
    client.sendAsync(deviceId, command, DeliveryStrategy.cloudToDevice());
    return command.id();
  }

  /** Calls method {@code name} (default strategy) without waiting; returns the command id. */
  public String call(String deviceId, String name) {
    Command command = Command.named(name).build();
    client.sendAsync(deviceId, command, DeliveryStrategy.directMethod());
    return command.id();
  }

  /** Calls method {@code name} (default strategy) and waits for the outcome. */
  public CommandOutcome callAndWait(String deviceId, String name) {
    return client.send(deviceId, Command.named(name).build(), DeliveryStrategy.directMethod());
  }

  @Override
  public void close() {
    client.close();
    hub.close();
  }
}
