package io.github.iothubcommands.emulator.internal.amqp;

import io.github.iothubcommands.emulator.internal.auth.SasToken;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.engine.Transport;
import org.apache.qpid.proton.message.Message;
import org.jspecify.annotations.Nullable;

/**
 * A bare AMQP 1.0 client for tests: a proton-j engine over a blocking JDK TLS socket, driven by the test's
 * own thread (no Reactor), so that a test decides every frame: which links attach when, what a reply holds.
 * Nothing moves unless the test calls {@link #await} (directly or through the other methods).
 */
final class RawAmqpClient implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final Socket socket;
  private final Transport transport = Proton.transport();
  private final Connection connection = Proton.connection();
  private final Session session;
  private final byte[] readBuffer = new byte[16 * 1024];
  /** {@link System#nanoTime()} of every read that brought bytes from the server. */
  final List<Long> arrivals = new ArrayList<>();
  private @Nullable Sender cbsRequests;
  private @Nullable Receiver cbsReplies;
  private int nextTag;
  private int nextLink;
  private boolean peerClosed;

  /**
   * Connects and opens the connection and one session.
   *
   * @param idleTimeoutMillis proton advertises half of it to the server in Open; 0 for none
   */
  RawAmqpClient(SSLContext ssl, InetAddress address, int port, int idleTimeoutMillis) throws IOException {
    SSLSocket tls = (SSLSocket) ssl.getSocketFactory().createSocket(address, port);
    tls.setSoTimeout((int) TIMEOUT.toMillis());
    tls.startHandshake();
    tls.setSoTimeout(20); // short reads: the pump loop checks its condition between them
    socket = tls;
    socket.setTcpNoDelay(true);
    Sasl sasl = transport.sasl();
    sasl.client();
    sasl.setMechanisms("ANONYMOUS");
    transport.setIdleTimeout(idleTimeoutMillis);
    transport.bind(connection);
    connection.setContainer("raw-amqp-test");
    connection.setHostname("localhost");
    connection.open();
    session = connection.session();
    session.open();
  }

  /** Exchanges bytes until {@code condition} holds; returns whether it did within {@code timeout}. */
  boolean await(BooleanSupplier condition, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0 || peerClosed) {
        return condition.getAsBoolean();
      }
      pumpOnce();
    }
    return true;
  }

  /** Waits for the server's Open. */
  boolean awaitOpen() throws IOException {
    return await(() -> connection.getRemoteState() == EndpointState.ACTIVE, TIMEOUT);
  }

  /** The max-frame-size the server advertised in its Open. */
  int remoteMaxFrameSize() {
    return transport.getRemoteMaxFrameSize();
  }

  /** The connection's error condition from the server's Close, or {@code null}. */
  @Nullable ErrorCondition remoteCondition() {
    return connection.getRemoteCondition();
  }

  /** Whether the server closed the socket. */
  boolean peerClosed() {
    return peerClosed;
  }

  private void pumpOnce() throws IOException {
    writeOutput();
    int n;
    try {
      n = socket.getInputStream().read(readBuffer);
    } catch (SocketTimeoutException e) {
      return;
    }
    if (n < 0) {
      peerClosed = true;
      transport.close_tail();
      return;
    }
    arrivals.add(System.nanoTime());
    int off = 0;
    while (off < n) {
      int capacity = transport.capacity();
      if (capacity <= 0) {
        throw new IOException("the client transport takes no more input");
      }
      int k = Math.min(capacity, n - off);
      transport.tail().put(readBuffer, off, k);
      transport.process();
      off += k;
    }
  }

  private void writeOutput() throws IOException {
    OutputStream out = socket.getOutputStream();
    boolean wrote = false;
    int pending;
    while ((pending = transport.pending()) > 0) {
      byte[] bytes = new byte[pending];
      transport.head().get(bytes);
      transport.pop(pending);
      out.write(bytes);
      wrote = true;
    }
    if (wrote) {
      out.flush();
    }
  }

  /** Attaches a receiving link from {@code address} with {@code credit}. */
  Receiver receiver(String address, int credit) {
    Receiver r = session.receiver("receiver-" + nextLink++);
    Source source = new Source();
    source.setAddress(address);
    r.setSource(source);
    r.setTarget(new Target());
    r.open();
    r.flow(credit);
    return r;
  }

  /** Attaches a sending link to {@code address}. */
  Sender sender(String address) {
    Sender s = session.sender("sender-" + nextLink++);
    Target target = new Target();
    target.setAddress(address);
    s.setTarget(target);
    s.setSource(new Source());
    s.open();
    return s;
  }

  /** Waits until the server answered the attach of {@code link}: ACTIVE if accepted, CLOSED if refused. */
  EndpointState awaitAttached(Link link) throws IOException {
    await(() -> link.getRemoteState() != EndpointState.UNINITIALIZED, TIMEOUT);
    // a refusal is an attach immediately followed by a detach
    await(() -> link.getRemoteState() == EndpointState.CLOSED, Duration.ofMillis(100));
    return link.getRemoteState();
  }

  /** Sends a message once the server grants credit. */
  void send(Sender sender, Message message) throws IOException {
    if (!await(() -> sender.getCredit() > 0, TIMEOUT)) {
      throw new AssertionError("no credit on " + sender.getName());
    }
    byte[] encoded = AmqpCodec.encode(message);
    sender.delivery(("tag-" + nextTag++).getBytes(StandardCharsets.US_ASCII));
    sender.send(encoded, 0, encoded.length);
    sender.advance();
    writeOutput();
  }

  /** The next whole message on {@code receiver}, accepted and settled; {@code null} if none came in time. */
  @Nullable Message receive(Receiver receiver, Duration timeout) throws IOException {
    BooleanSupplier ready = () -> {
      Delivery d = receiver.current();
      return d != null && d.isReadable() && !d.isPartial();
    };
    if (!await(ready, timeout)) {
      return null;
    }
    Delivery d = receiver.current();
    Message m = AmqpCodec.read(receiver, d);
    d.disposition(Accepted.getInstance());
    d.settle();
    receiver.flow(1);
    return m;
  }

  /** A device's reply to a method request: the request's correlation id, status {@code status}, body bytes. */
  static Message methodReply(Message request, int status, byte[] body) {
    Message reply = Proton.message();
    Properties p = new Properties();
    p.setCorrelationId(request.getProperties().getCorrelationId());
    reply.setProperties(p);
    reply.setApplicationProperties(new ApplicationProperties(Map.<String, Object>of(DeviceLinks.METHOD_STATUS, status)));
    reply.setBody(new Data(new Binary(body)));
    return reply;
  }

  /** Puts a device SAS token signed with {@code key} on {@code $cbs}; returns the reply's status code. */
  int authenticateDevice(String host, String deviceId, String key) throws IOException {
    String audience = host + "/devices/" + deviceId;
    return putToken(audience, SasToken.build(audience, key, Instant.now().plusSeconds(3600).getEpochSecond(), null));
  }

  /** Puts a SAS token on {@code $cbs}; returns the reply's status code. */
  int putToken(String audience, String token) throws IOException {
    if (cbsRequests == null || cbsReplies == null) {
      cbsRequests = sender(AmqpConnection.CBS);
      cbsReplies = receiver(AmqpConnection.CBS, 10);
    }
    Message request = Proton.message();
    Properties p = new Properties();
    p.setMessageId("put-token-" + nextTag);
    p.setReplyTo("cbs-replies");
    request.setProperties(p);
    request.setApplicationProperties(new ApplicationProperties(Map.<String, Object>of(
        "operation", "put-token", "type", CbsEndpoint.SAS_TOKEN_TYPE, "name", audience)));
    request.setBody(new AmqpValue(token));
    send(cbsRequests, request);
    Message reply = receive(cbsReplies, TIMEOUT);
    if (reply == null) {
      throw new AssertionError("no put-token reply");
    }
    return ((Number) AmqpCodec.applicationProperties(reply).get("status-code")).intValue();
  }

  @Override
  public void close() throws IOException {
    try {
      if (!peerClosed) {
        connection.close();
        writeOutput();
      }
    } finally {
      socket.close();
    }
  }
}
