package io.github.iothubcommands.emulator.internal;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The loopback addresses side-by-side emulators use, 127.0.0.{@value #FIRST}–127.0.0.{@value #LAST}, and a
 * bind probe telling whether an emulator's ports are free on one of them. The probe binds as the servers do
 * (address reuse on), so a port held only by closed connections in TIME_WAIT counts as free, and a
 * listener on the wildcard address counts as taken.
 */
public final class LoopbackAddresses {
  /** The last byte of the first address tried. */
  public static final int FIRST = 2;
  /** The last byte of the last address tried. */
  public static final int LAST = 254;

  private LoopbackAddresses() {}

  /**
   * Returns every candidate address once, starting at an offset drawn from the process id, so that test
   * forks started together rarely probe the same address first.
   *
   * @return 127.0.0.2 to 127.0.0.254, rotated
   */
  public static List<InetAddress> candidates() {
    int count = LAST - FIRST + 1;
    int offset = (int) (ProcessHandle.current().pid() % count);
    List<InetAddress> all = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      all.add(address(FIRST + (offset + i) % count));
    }
    return all;
  }

  /**
   * Returns the first candidate address on which every given port can be bound now.
   *
   * @param ports the ports to probe; 0 (any port) is skipped
   * @return the address, or empty if none is free (or this machine does not route 127.0.0.x beyond 127.0.0.1)
   */
  public static Optional<InetAddress> findFree(int... ports) {
    return candidates().stream().filter(a -> free(a, ports)).findFirst();
  }

  /**
   * Tells whether every given port can be bound on the address right now (a later bind may still lose a race).
   *
   * @param address the address
   * @param ports the ports; 0 is skipped
   * @return true if each bind succeeded
   */
  public static boolean free(InetAddress address, int... ports) {
    for (int port : ports) {
      if (port == 0) {
        continue;
      }
      try (ServerSocket probe = new ServerSocket()) {
        probe.setReuseAddress(true);
        probe.bind(new InetSocketAddress(address, port), 1);
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  /**
   * Tells whether a failure, or one of its causes, is a bind failure (port taken, address not available).
   *
   * @param failure the failure
   * @return true if a {@link BindException} caused it
   */
  public static boolean isBindFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof BindException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Parses an IPv4 literal without resolving anything.
   *
   * @param field the setting's name, for the error
   * @param text the text, e.g. {@code 127.0.0.2}
   * @return the address
   * @throws IllegalArgumentException if the text is not four decimal numbers 0–255 separated by dots
   */
  public static InetAddress parseIpv4(String field, String text) {
    Objects.requireNonNull(text, field);
    String[] parts = text.split("\\.", -1);
    byte[] bytes = new byte[4];
    boolean ok = parts.length == 4;
    for (int i = 0; ok && i < 4; i++) {
      ok = parts[i].matches("[0-9]{1,3}") && Integer.parseInt(parts[i]) <= 255;
      if (ok) {
        bytes[i] = (byte) Integer.parseInt(parts[i]);
      }
    }
    if (!ok) {
      throw new IllegalArgumentException(field + " must be an IPv4 literal such as 127.0.0.2, but was '" + text + "'");
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a 4-byte address is always valid", e);
    }
  }

  private static InetAddress address(int last) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a 4-byte address is always valid", e);
    }
  }
}
