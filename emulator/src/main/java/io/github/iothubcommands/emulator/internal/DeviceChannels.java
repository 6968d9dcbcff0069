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
    if (channels.computeIfAbsent(deviceId, id -> ConcurrentHashMap.newKeySet()).add(channel)) {
      channel.closeFuture().addListener(f -> channels.computeIfPresent(deviceId, (id, set) -> {
        set.remove(channel);
        return set.isEmpty() ? null : set;
      }));
    }
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
      ch.eventLoop().execute(() -> {
        LOG.info("Cutting connection {} of device {} (admin: network lost)", ch.remoteAddress(), deviceId);
        SslHandler tls = ch.pipeline().get(SslHandler.class);
        if (tls != null) {
          ch.pipeline().remove(tls); // no close_notify: the bytes simply stop
        }
        ch.config().setOption(ChannelOption.SO_LINGER, 0); // close with a reset, not a FIN
        // channelInactive runs in a later task of this loop; the next task runs after it.
        ch.close().addListener(f -> ch.eventLoop().execute(() -> closed.complete(null)));
      });
    }
    return CompletableFuture.allOf(done).thenApply(v -> open.size());
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
