package io.github.iothubcommands.emulator.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The emulator's front doors by name, as they are bound, for the health endpoint: a door not bound yet is
 * {@link State#STARTING}, a bound one {@link State#SERVING} while it accepts connections and {@link
 * State#STOPPED} once closed. Thread-safe.
 */
public final class FrontDoors {
  /** A front door's state. */
  public enum State {
    /** Not bound yet. */
    STARTING,
    /** Bound and accepting connections. */
    SERVING,
    /** Closed. */
    STOPPED
  }

  /**
   * One door's state.
   *
   * @param name the door's name ({@code MQTT}, {@code AMQPS}, {@code HTTPS})
   * @param port the port it is bound to, or the port asked for while starting
   * @param state its state
   */
  public record Door(String name, int port, State state) {}

  private final List<String> names;
  private final Map<String, Integer> asked;
  private final Map<String, ProtocolServer> bound = new ConcurrentHashMap<>();
  private final Map<String, Integer> ports = new ConcurrentHashMap<>();

  /**
   * Expects these doors, in this order.
   *
   * @param asked each door's name and the port asked for (0: any), in the order they are reported
   */
  public FrontDoors(Map<String, Integer> asked) {
    this.names = List.copyOf(asked.keySet());
    this.asked = Map.copyOf(asked);
  }

  /**
   * Records a door as bound.
   *
   * @param server the bound server, named as one of the expected doors
   * @throws IllegalArgumentException if its name is not an expected door's
   */
  public void bound(ProtocolServer server) {
    if (!asked.containsKey(server.name())) {
      throw new IllegalArgumentException("front door must be one of " + names + ", but was " + server.name());
    }
    ports.put(server.name(), server.localAddress().getPort());
    bound.put(server.name(), server);
  }

  /** @return every expected door's state, in the expected order */
  public List<Door> doors() {
    List<Door> doors = new ArrayList<>(names.size());
    for (String name : names) {
      ProtocolServer s = bound.get(name);
      if (s == null) {
        doors.add(new Door(name, asked.get(name), State.STARTING));
      } else {
        doors.add(new Door(name, ports.get(name), s.serving() ? State.SERVING : State.STOPPED));
      }
    }
    return doors;
  }

  /** @return true if every expected door is serving */
  public boolean allServing() {
    return doors().stream().allMatch(d -> d.state() == State.SERVING);
  }
}
