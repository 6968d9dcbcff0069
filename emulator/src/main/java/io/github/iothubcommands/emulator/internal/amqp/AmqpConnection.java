package io.github.iothubcommands.emulator.internal.amqp;

import io.github.iothubcommands.HubException;
import io.github.iothubcommands.emulator.internal.DeviceChannels;
import io.github.iothubcommands.emulator.internal.OpenDeadline;
import io.github.iothubcommands.emulator.internal.auth.CredentialWatch;
import io.github.iothubcommands.engine.HubEngine;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Collector;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.engine.Transport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proton-j engine (transport, connection, collector; no Reactor) fed by the plain bytes of one Netty
 * channel, after its {@code SslHandler}. Runs on the channel's event loop; work from other threads enters
 * through {@link #runOnLoop}.
 */
final class AmqpConnection extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(AmqpConnection.class);
  static final String CBS = "$cbs";
  static final String C2D_INTAKE = "/messages/devicebound";
  static final String FEEDBACK = "/messages/servicebound/feedback";
  private static final Pattern DEVICE_ADDRESS =
      Pattern.compile("^/devices/([^/]+)/(messages/devicebound|messages/events|methods/devicebound|twin)$");
  /** The container id sent in Open. */
  static final String CONTAINER_ID = "iothub-commands-emulator";
  /**
   * Our idle timeout: proton-j advertises half of it and drops a peer silent for all of it. Long, because the
   * service SDK runs user callbacks on its Reactor thread.
   */
  static final int IDLE_TIMEOUT_MILLIS = (int) TimeUnit.MINUTES.toMillis(4);
  /**
   * Period of the empty frames sent to connections with a feedback link, so that the service SDK notices
   * {@code stop()} at once instead of after up to 3.1 s.
   */
  static final long WAKEUP_PERIOD_MILLIS = 200;
  /**
   * Largest frame the peer may send, advertised in Open (IoT Hub's figure); proton closes the connection on a
   * bigger one instead of buffering it. Bigger messages span several transfer frames.
   */
  static final int MAX_FRAME_BYTES = 64 * 1024;
  /**
   * Largest message on an authenticated link: IoT Hub's 256 KB device-to-cloud limit (the larger of its
   * message limits; C2D is 64 KB and a method reply 128 KB) with room for the envelope. A C2D message past
   * 64 KB but under this is refused by the engine as too large, on a link that stays up.
   */
  static final int MAX_MESSAGE_BYTES = 256 * 1024 + 16 * 1024;
  /**
   * Largest message on {@code $cbs}, and on any link of a connection that has no grant yet: a put-token
   * request holds a token of a few hundred bytes.
   */
  static final int MAX_UNAUTHENTICATED_MESSAGE_BYTES = 16 * 1024;
  private static final Symbol MESSAGE_SIZE_EXCEEDED = Symbol.valueOf("amqp:link:message-size-exceeded");
  /** An empty AMQP frame (size 8, doff 2, type AMQP, channel 0): a heartbeat, legal at any time after Open. */
  private static final byte[] EMPTY_FRAME = {0, 0, 0, 8, 2, 0, 0, 0};

  private final Channel channel;
  private final HubEngine engine;
  private final CbsAuthority authority;
  private final Transport transport = Proton.transport();
  private final Connection connection = Proton.connection();
  private final Collector collector = Proton.collector();
  private final Map<String, DeviceLinks> devices = new HashMap<>();
  private @Nullable Instant serviceGrantExpiry;
  /** The newest grant of each device on this connection, and the watch that revokes it when it goes stale. */
  private final Map<String, CbsGrant.Device> deviceGrants = new HashMap<>();
  private final Map<String, AutoCloseable> grantWatches = new HashMap<>();
  private final CredentialWatch credentials;
  private final DeviceChannels channels;
  private final MethodCalls calls;
  private @Nullable ScheduledFuture<?> tickTask;
  private long tickDeadline;
  private @Nullable ScheduledFuture<?> wakeups;
  private boolean closing;
  private boolean cleanedUp;
  /** Closed by us for a protocol violation: input is no longer read. */
  private boolean aborted;

  AmqpConnection(Channel channel, HubEngine engine, CbsAuthority authority, CredentialWatch credentials,
      DeviceChannels channels, MethodCalls calls) {
    this.channel = channel;
    this.channels = channels;
    this.calls = calls;
    this.credentials = credentials;
    this.engine = engine;
    this.authority = authority;
    transport.setMaxFrameSize(MAX_FRAME_BYTES); // before anything initialises the transport
    transport.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
    Sasl sasl = transport.sasl();
    sasl.server();
    sasl.setMechanisms("ANONYMOUS");
    sasl.done(Sasl.SaslOutcome.PN_SASL_OK); // sent after the client's sasl-init
    connection.collect(collector);
    transport.bind(connection);
  }

  // ---------------------------------------------------------------- Netty side

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf buf = (ByteBuf) msg;
    try {
      while (buf.isReadable() && !closing && !aborted) {
        int capacity = transport.capacity();
        if (capacity < 0) {
          break; // the engine takes no more input
        }
        if (capacity == 0) {
          process();
          if (transport.capacity() == 0) {
            LOG.warn("AMQP transport takes no input; closing the connection");
            ctx.close();
            break;
          }
          continue;
        }
        ByteBuffer tail = transport.tail();
        int n = Math.min(tail.remaining(), buf.readableBytes());
        int limit = tail.limit();
        tail.limit(tail.position() + n);
        buf.readBytes(tail);
        tail.limit(limit);
        process();
      }
    } finally {
      ReferenceCountUtil.release(buf);
    }
    flush();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel(tickTask);
    cancel(wakeups);
    transport.close_tail();
    transport.close_head();
    handleEvents();
    cleanUp();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("AMQP connection from {} failed: {}", channel.remoteAddress(), cause.toString());
    ctx.close();
  }

  private static void cancel(@Nullable ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }

  /** Runs {@code task} on this connection's event loop, then lets the engine write. */
  void runOnLoop(Runnable task) {
    runOnLoop(task, () -> { });
  }

  /**
   * Runs {@code task} on this connection's event loop, or {@code ifGone} (on any thread) when the connection is
   * closed by then.
   */
  void runOnLoop(Runnable task, Runnable ifGone) {
    try {
      channel.eventLoop().execute(() -> {
        if (cleanedUp) {
          ifGone.run();
          return;
        }
        try {
          task.run();
        } catch (RuntimeException e) {
          LOG.warn("AMQP connection task failed", e);
        }
        handleEvents();
        flush();
      });
    } catch (RejectedExecutionException e) {
      ifGone.run();
    }
  }

  private void process() {
    transport.process();
    handleEvents();
  }

  /**
   * Writes the engine's output, then ticks it (heartbeats, idle timeout) and writes again what the tick
   * produced: an empty frame or the idle-timeout Close goes out now, not at the next flush, which may be half
   * the peer's idle timeout away. Ticking after the first write lets proton count those bytes as output.
   */
  private void flush() {
    if (!channel.isActive() || !writeOutput()) {
      return;
    }
    long now = System.nanoTime() / 1_000_000;
    long deadline = transport.tick(now);
    handleEvents(); // the tick may have closed the connection
    if (transport.pending() != 0 && !writeOutput()) {
      return;
    }
    scheduleTick(now, deadline);
  }

  /** Writes all pending output; {@code false} once the engine's head is closed (the channel then closes). */
  private boolean writeOutput() {
    boolean wrote = false;
    while (true) {
      int pending = transport.pending();
      if (pending < 0) { // head closed: the engine has said all it will say
        if (!closing) {
          closing = true;
          channel.writeAndFlush(channel.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
        }
        return false;
      }
      if (pending == 0) {
        break;
      }
      ByteBuffer head = transport.head();
      ByteBuf out = channel.alloc().buffer(pending);
      ByteBuffer view = head.duplicate();
      view.limit(view.position() + pending);
      out.writeBytes(view);
      transport.pop(pending);
      channel.write(out);
      wrote = true;
    }
    if (wrote) {
      channel.flush();
    }
    return true;
  }

  /** Calls {@link #flush} again at proton's next {@code tick} deadline, unless an earlier call is due. */
  private void scheduleTick(long now, long deadline) {
    if (deadline == 0 || (tickTask != null && !tickTask.isDone() && tickDeadline <= deadline)) {
      return;
    }
    cancel(tickTask);
    tickDeadline = deadline;
    tickTask = channel.eventLoop().schedule(() -> {
      tickTask = null;
      handleEvents();
      flush();
    }, Math.max(1, deadline - now), TimeUnit.MILLISECONDS);
  }

  /**
   * Empty frames at a short period to a connection with a feedback link: the service SDK's Reactor sleeps in
   * select up to 3.1 s and notices a {@code stop()} from another thread only when bytes arrive.
   */
  private void startWakeups() {
    if (wakeups != null) {
      return;
    }
    wakeups = channel.eventLoop().scheduleAtFixedRate(() -> {
      if (!closing && !cleanedUp && connection.getLocalState() == EndpointState.ACTIVE && channel.isActive()) {
        flush(); // whole proton output first, so the frame never splits one of its frames
        channel.writeAndFlush(channel.alloc().buffer(EMPTY_FRAME.length).writeBytes(EMPTY_FRAME));
      }
    }, WAKEUP_PERIOD_MILLIS, WAKEUP_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  // ---------------------------------------------------------------- proton events

  private void handleEvents() {
    Event e;
    while ((e = collector.peek()) != null) {
      try {
        handle(e);
      } catch (RuntimeException ex) {
        LOG.warn("AMQP event {} failed", e.getType(), ex);
      }
      collector.pop();
    }
  }

  private void handle(Event e) {
    switch (e.getType()) {
      case CONNECTION_REMOTE_OPEN -> {
        OpenDeadline.opened(channel.pipeline());
        connection.setContainer(CONTAINER_ID);
        connection.open();
      }
      case CONNECTION_REMOTE_CLOSE -> {
        cleanUp();
        connection.close();
      }
      case SESSION_REMOTE_OPEN -> {
        Session s = e.getSession();
        if (s.getLocalState() == EndpointState.UNINITIALIZED) {
          s.setContext(new CbsEndpoint.Replies());
          s.open();
        }
      }
      case SESSION_REMOTE_CLOSE -> {
        Session s = e.getSession();
        for (Link l = connection.linkHead(null, null); l != null; l = l.next(null, null)) {
          if (l.getSession() == s) {
            closeEndpoint(l);
          }
        }
        s.close();
      }
      case LINK_REMOTE_OPEN -> attach(e.getLink());
      case LINK_REMOTE_CLOSE, LINK_REMOTE_DETACH -> {
        Link l = e.getLink();
        closeEndpoint(l);
        if (l.getLocalState() != EndpointState.CLOSED) {
          l.close();
        }
      }
      case LINK_FLOW -> {
        if (e.getLink().getContext() instanceof Endpoint ep) {
          ep.onFlow();
        }
      }
      case DELIVERY -> {
        if (tooLarge(e.getLink(), e.getDelivery())) {
          return;
        }
        if (e.getLink().getContext() instanceof Endpoint ep) {
          ep.onDelivery(e.getDelivery());
        }
      }
      case TRANSPORT_ERROR -> LOG.debug("AMQP transport error: {}", e.getTransport().getCondition());
      case TRANSPORT_CLOSED -> cleanUp();
      default -> { }
    }
  }

  /**
   * Whether an incoming transfer has grown past what its link may carry; if so the connection is closed
   * with {@code amqp:link:message-size-exceeded} and no more of its input is read, so that no peer makes the
   * emulator hold more than one frame past the limit. Checked at each frame of a transfer, partial or not.
   */
  private boolean tooLarge(Link link, Delivery d) {
    if (!(link instanceof Receiver) || d.isAborted()) {
      return false;
    }
    boolean authenticated = serviceGrantExpiry != null || !deviceGrants.isEmpty();
    int limit = authenticated && !(link.getContext() instanceof CbsEndpoint) && link.getContext() != null
        ? MAX_MESSAGE_BYTES : MAX_UNAUTHENTICATED_MESSAGE_BYTES;
    if (d.pending() <= limit) {
      return false;
    }
    abort(MESSAGE_SIZE_EXCEEDED, "a message on link " + link.getName() + " is larger than " + limit + " bytes");
    return true;
  }

  /**
   * Closes the connection with an error and stops reading: whatever the peer sends next is dropped. Called
   * while an event is handled, so the Close goes out once the current read is processed.
   */
  private void abort(Symbol condition, String description) {
    LOG.info("Closing AMQP connection from {}: {}", channel.remoteAddress(), description);
    aborted = true;
    connection.setCondition(new ErrorCondition(condition, description));
    connection.close();
    cleanUp();
    channel.eventLoop().execute(() -> {
      flush(); // the Close frame
      if (!closing) {
        closing = true;
        channel.writeAndFlush(channel.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
      }
    });
  }

  /** Tells the link's endpoint it is gone, once. */
  void closeEndpoint(Link l) {
    if (l.getContext() instanceof Endpoint ep) {
      l.setContext(null);
      ep.onClosed();
    }
  }

  private void cleanUp() {
    if (cleanedUp) {
      return;
    }
    cleanedUp = true;
    List<Link> links = new ArrayList<>();
    for (Link l = connection.linkHead(null, null); l != null; l = l.next(null, null)) {
      links.add(l);
    }
    links.forEach(this::closeEndpoint);
    new ArrayList<>(devices.values()).forEach(DeviceLinks::close);
    devices.clear();
    for (AutoCloseable w : grantWatches.values()) {
      try {
        w.close();
      } catch (Exception e) {
        LOG.debug("closing a credential watch failed", e);
      }
    }
    grantWatches.clear();
  }

  // ---------------------------------------------------------------- routing

  private void attach(Link link) {
    if (link.getLocalState() != EndpointState.UNINITIALIZED) {
      return;
    }
    String address = link instanceof Sender
        ? (link.getRemoteSource() instanceof Source s ? s.getAddress() : null)
        : (link.getRemoteTarget() instanceof Target t ? t.getAddress() : null);
    LOG.debug("attach {} {} '{}'", link instanceof Sender ? "sender" : "receiver", link.getName(), address);
    if (address == null) {
      refuse(link, AmqpError.INVALID_FIELD, "the link has no address");
    } else if (CBS.equals(address)) {
      CbsEndpoint.Replies replies = (CbsEndpoint.Replies) link.getSession().getContext();
      accept(link);
      if (link instanceof Receiver r) {
        link.setContext(new CbsEndpoint(r, this, replies));
        r.flow(CbsEndpoint.CREDIT);
      } else {
        Outbox box = new Outbox((Sender) link, () -> replies.outbox = null);
        link.setContext(box);
        replies.attach(box);
      }
    } else if (C2D_INTAKE.equals(address) && link instanceof Receiver r) {
      if (serviceAuthorized(link)) {
        accept(link);
        link.setContext(new C2dIntake(r, engine));
        r.flow(C2dIntake.CREDIT);
      }
    } else if (FEEDBACK.equals(address) && link instanceof Sender s) {
      if (serviceAuthorized(link)) {
        accept(link);
        link.setContext(new FeedbackLink(s, this, engine));
        startWakeups();
      }
    } else {
      Matcher m = DEVICE_ADDRESS.matcher(address);
      if (!m.matches()) {
        refuse(link, AmqpError.NOT_FOUND, "unknown address " + address);
        return;
      }
      String deviceId = m.group(1);
      if (!grantStands(deviceId)) {
        refuse(link, AmqpError.UNAUTHORIZED_ACCESS, "no valid token for device " + deviceId
            + " (none put, expired, or put for a key or registration the device no longer has)");
        return;
      }
      DeviceLinks d = devices.computeIfAbsent(deviceId, id -> new DeviceLinks(id, engine, this, calls));
      accept(link);
      try {
        d.attach(m.group(2), link);
        channels.track(deviceId, channel);
      } catch (HubException ex) { // deleted, or disabled since its token was put: the engine refuses it
        link.setContext(null);
        link.setCondition(new ErrorCondition(Symbol.valueOf(C2dIntake.condition(ex)), ex.getMessage()));
        link.close();
        devices.remove(deviceId, d);
      }
    }
  }

  private boolean serviceAuthorized(Link link) {
    Instant expiry = serviceGrantExpiry;
    if (expiry != null && expiry.isAfter(engine.time().now())) {
      return true;
    }
    refuse(link, AmqpError.UNAUTHORIZED_ACCESS, "no valid service token on this connection");
    return false;
  }

  private static void accept(Link link) {
    link.setSource(link.getRemoteSource());
    link.setTarget(link.getRemoteTarget());
    link.setSenderSettleMode(link.getRemoteSenderSettleMode());
    link.setReceiverSettleMode(link.getRemoteReceiverSettleMode());
    link.open();
  }

  /** Attach with a null terminus, then detach with the error: how AMQP refuses a link. */
  private static void refuse(Link link, Symbol condition, String description) {
    LOG.debug("refusing link {}: {} {}", link.getName(), condition, description);
    link.setSource(link instanceof Sender ? null : link.getRemoteSource());
    link.setTarget(link instanceof Receiver ? null : link.getRemoteTarget());
    link.open();
    link.setCondition(new ErrorCondition(condition, description));
    link.close();
  }

  // ---------------------------------------------------------------- claims-based security

  /** Checks a put-token SAS token and remembers what it grants on this connection. */
  CbsGrant authenticate(@Nullable String audience, @Nullable String token) {
    CbsGrant grant = token == null ? new CbsGrant.Refused("no token") : authority.check(audience, token);
    if (grant instanceof CbsGrant.Service s) {
      serviceGrantExpiry = serviceGrantExpiry == null || s.expiry().isAfter(serviceGrantExpiry)
          ? s.expiry() : serviceGrantExpiry;
    } else if (grant instanceof CbsGrant.Device d) {
      deviceGrants.put(d.deviceId(), d); // the newest token speaks for the device, renewed or re-keyed
      grantWatches.computeIfAbsent(d.deviceId(), id -> credentials.watch(id, () -> runOnLoop(() -> revokeIfStale(id))));
    }
    return grant;
  }

  /**
   * Whether this connection holds a grant for the device that stands: not expired, and for the registration
   * and key the device still has.
   */
  private boolean grantStands(String deviceId) {
    CbsGrant.Device g = deviceGrants.get(deviceId);
    return g != null && g.expiry().isAfter(engine.time().now()) && identityStands(deviceId);
  }

  /**
   * Whether the device's grant is for the registration and key it still has. Its expiry is not looked at:
   * links attached before a token lapses stay (see docs/emulator.md), a changed identity ends them.
   */
  boolean identityStands(String deviceId) {
    CbsGrant.Device g = deviceGrants.get(deviceId);
    return g != null && g.credential().isCurrent(engine.device(deviceId));
  }

  /**
   * Revokes a device's grant once its identity changed (keys, status, or the device created again): its links
   * detach with {@code amqp:unauthorized-access}, and nothing more reaches it under the old grant.
   */
  void revokeIfStale(String deviceId) {
    if (identityStands(deviceId)) {
      return;
    }
    deviceGrants.remove(deviceId);
    DeviceLinks d = devices.get(deviceId);
    if (d != null) {
      LOG.debug("revoking the AMQP grant of device {}: its keys or registration changed", deviceId);
      d.detachAll(AmqpError.UNAUTHORIZED_ACCESS, "the token's key or device registration is no longer valid");
    }
  }

  /** The device's last link on this connection detached: the connection no longer carries it. */
  void forget(String deviceId, DeviceLinks links) {
    if (devices.remove(deviceId, links)) {
      channels.untrack(deviceId, channel); // a disconnect of this device must not cut the others here
    }
  }
}
