package io.github.iothubcommands.emulator.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslHandler;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which front-door connections carry which device, so the admin surface can cut them as a lost network
 * would. A connection is tracked from the moment a device is authorized on it until it closes. Thread-safe.
 */
public final class DeviceChannels {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceChannels.class);

  private final ConcurrentMap<String, Set<Channel>> channels = new ConcurrentHashMap<>();

  /**
   * Tracks a connection of a device until it closes; tracking it again is harmless.
   *
   * @param deviceId the device
   * @param channel its connection (MQTT, or an AMQP connection carrying its links)
   */
  public void track(String deviceId, Channel channel) {
    boolean[] added = new boolean[1];
    channels.compute(deviceId, (id, set) -> { // add inside the map's atomic step, so a close cannot drop the set
      Set<Channel> s = set != null ? set : ConcurrentHashMap.newKeySet();
      added[0] = s.add(channel);
      return s;
    });
    if (added[0]) {
      channel.closeFuture().addListener(f -> untrack(deviceId, channel));
    }
  }

  /**
   * Stops tracking a connection of a device (it closed, or no longer carries the device).
   *
   * @param deviceId the device
   * @param channel the connection
   */
  public void untrack(String deviceId, Channel channel) {
    channels.computeIfPresent(deviceId, (id, set) -> {
      set.remove(channel);
      return set.isEmpty() ? null : set;
    });
  }

  /**
   * Cuts every connection of a device without a protocol goodbye: no MQTT or AMQP close, no TLS
   * close_notify; the TCP connection is reset. Each connection's own close handling then runs, so the
   * engine sees the device offline.
   *
   * @param deviceId the device
   * @return completes with how many connections were cut, once each one's close handling has run (on its
   *     event loop; the stage completes there)
   */
  public CompletableFuture<Integer> cut(String deviceId) {
    List<Channel> open = List.copyOf(channels.getOrDefault(deviceId, Set.of()));
    CompletableFuture<?>[] done = new CompletableFuture<?>[open.size()];
    for (int i = 0; i < open.size(); i++) {
      Channel ch = open.get(i);
      CompletableFuture<Void> closed = new CompletableFuture<>();
      done[i] = closed;
      // The close future completes inside close(), before close() queues the channelInactive task; two hops
      // on the loop put the completion after that task, so the engine has seen the device offline.
      ch.closeFuture().addListener(f -> onLoop(ch, () -> onLoop(ch, () -> closed.complete(null), closed), closed));
      try {
        ch.eventLoop().execute(() -> cutNow(ch, deviceId));
      } catch (RuntimeException e) { // the loop is shutting down: the connection closes with it
        closed.complete(null);
      }
    }
    return CompletableFuture.allOf(done).thenApply(v -> open.size());
  }

  private static void onLoop(Channel ch, Runnable task, CompletableFuture<Void> closed) {
    try {
      ch.eventLoop().execute(task);
    } catch (RuntimeException e) { // the loop is shutting down: nothing more runs there
      closed.complete(null);
    }
  }

  /**
   * On the connection's loop. A connection that is already closing (a newer connection replaced it, the device
   * said goodbye) needs no cut; its close future completes the caller's stage either way.
   */
  private static void cutNow(Channel ch, String deviceId) {
    if (!ch.isOpen()) {
      return;
    }
    LOG.info("Cutting connection {} of device {} (admin: network lost)", ch.remoteAddress(), deviceId);
    try {
      SslHandler tls = ch.pipeline().get(SslHandler.class);
      if (tls != null) {
        ch.pipeline().remove(tls); // no close_notify: the bytes simply stop
      }
      ch.config().setOption(ChannelOption.SO_LINGER, 0); // close with a reset, not a FIN
    } catch (RuntimeException e) { // the socket closed under us: a plain close is all that is left
      LOG.debug("Connection {} of device {} closed while being cut: {}", ch.remoteAddress(), deviceId, e.toString());
    }
    ch.close(); // channelInactive runs in a later task of this loop; the close listener's task after it
  }

  /**
   * Returns whether the calling thread is the event loop of one of a device's connections: waiting there for
   * {@link #cut} to complete would wait forever.
   *
   * @param deviceId the device
   * @return {@code true} on such a thread
   */
  public boolean onLoopOf(String deviceId) {
    return channels.getOrDefault(deviceId, Set.of()).stream().anyMatch(ch -> ch.eventLoop().inEventLoop());
  }

  /**
   * Returns how many open connections carry a device.
   *
   * @param deviceId the device
   * @return the count
   */
  public int count(String deviceId) {
    return channels.getOrDefault(deviceId, Set.of()).size();
  }
}
