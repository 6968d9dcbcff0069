package io.github.iothubcommands.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClientOptions;
import io.github.iothubcommands.engine.DeviceSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every front door closes a peer that does not get on with it: TLS not started, a protocol never opened,
 * an HTTPS request trickled, an idle HTTPS connection; and none closes a call waiting for its device. The
 * emulator runs with 1 s timeouts so the tests take seconds; raw sockets, since no SDK dawdles like this.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectionTimeoutsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  /** Closed within the timeout and this much more: well below any default (30 s, 4 min, Netty's 10 s). */
  private static final long CLOSED_WITHIN_MILLIS = TIMEOUT.toMillis() + 2500;
  static IotHubEmulator hub;

  @BeforeAll
  static void start() {
    hub = IotHubEmulator.builder().bindAnyFreeLoopbackAddress().devices("d1").httpsPort(0).mqttPort(0).amqpPort(0)
        .handshakeTimeout(TIMEOUT).requestTimeout(TIMEOUT).idleTimeout(TIMEOUT).start();
    HttpsURLConnection.setDefaultSSLSocketFactory(hub.sslContext().getSocketFactory());
  }

  @AfterAll
  static void stop() {
    if (hub != null) {
      hub.close();
    }
  }

  private static Socket tcp(int port) throws IOException {
    Socket s = new Socket(hub.bindAddress(), port);
    s.setSoTimeout(10_000);
    return s;
  }

  private static SSLSocket tls(int port) throws IOException {
    SSLSocket s = (SSLSocket) hub.sslContext().getSocketFactory().createSocket(hub.bindAddress(), port);
    s.setSoTimeout(10_000);
    s.startHandshake();
    return s;
  }

  /** Blocks until the server closes the connection; returns how long that took. */
  private static long millisUntilClosed(Socket s) {
    long start = System.nanoTime();
    try {
      InputStream in = s.getInputStream();
      while (in.read() >= 0) {
        // drain whatever the server says before it closes
      }
    } catch (IOException e) {
      // reset or timed out: the read's end is the answer
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  /**
   * Sends {@code bytes} one every 300 ms while a reader waits for the server to close; returns how long that
   * took, or -1 if all bytes went out first.
   */
  private static long millisUntilClosedWhileTrickling(Socket s, byte[] bytes) throws Exception {
    long start = System.nanoTime();
    CompletableFuture<Long> closed = CompletableFuture.supplyAsync(() -> millisUntilClosed(s));
    OutputStream out = s.getOutputStream();
    for (byte b : bytes) {
      if (closed.isDone()) {
        break;
      }
      try {
        out.write(b);
        out.flush();
      } catch (IOException e) {
        break; // closed under us
      }
      Thread.sleep(300);
    }
    if (!closed.isDone()) {
      return -1;
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  @Test
  void httpsConnectionThatNeverStartsTlsIsClosedAtTheHandshakeTimeout() throws Exception {
    try (Socket s = tcp(hub.httpsPort())) {
      assertThat(millisUntilClosed(s)).isLessThan(CLOSED_WITHIN_MILLIS);
    }
  }

  @Test
  void amqpConnectionThatNeverSendsItsHeaderIsClosedAtTheHandshakeTimeout() throws Exception {
    try (SSLSocket s = tls(hub.amqpPort())) {
      assertThat(millisUntilClosed(s)).isLessThan(CLOSED_WITHIN_MILLIS);
    }
  }

  @Test
  void amqpConnectionTricklingItsHeaderIsClosedAtTheHandshakeTimeout() throws Exception {
    byte[] saslHeader = {'A', 'M', 'Q', 'P', 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    try (SSLSocket s = tls(hub.amqpPort())) {
      long closed = millisUntilClosedWhileTrickling(s, saslHeader);
      assertThat(closed).isPositive().isLessThan(CLOSED_WITHIN_MILLIS);
    }
  }

  @Test
  void mqttConnectionTricklingItsConnectIsClosedAtTheHandshakeTimeout() throws Exception {
    // A well-formed CONNECT of 102 bytes (an 88-character client id): at one byte per 300 ms, the 40 sent
    // within the test never complete it, and each one would restart an idle timer.
    byte[] connect = new byte[40];
    byte[] head = {0x10, 100, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 88};
    System.arraycopy(head, 0, connect, 0, head.length);
    Arrays.fill(connect, head.length, connect.length, (byte) 'd');
    try (SSLSocket s = tls(hub.mqttPort())) {
      long closed = millisUntilClosedWhileTrickling(s, connect);
      assertThat(closed).isPositive().isLessThan(CLOSED_WITHIN_MILLIS);
    }
  }

  @Test
  void httpsRequestTricklingOneByteAtATimeIsCutAtTheRequestTimeout() throws Exception {
    byte[] request = RawHttps.request(hub, "GET /devices/d1?api-version=2021-04-12", "")
        .getBytes(StandardCharsets.US_ASCII);
    try (Socket s = RawHttps.open(hub)) {
      long closed = millisUntilClosedWhileTrickling(s, request);
      assertThat(closed).isPositive().isLessThan(CLOSED_WITHIN_MILLIS);
    }
  }

  @Test
  void idleHttpsConnectionIsClosedAtTheIdleTimeoutAfterItsLastResponse() throws Exception {
    try (Socket s = RawHttps.open(hub)) {
      OutputStream out = s.getOutputStream();
      out.write(RawHttps.request(hub, "GET /devices/d1?api-version=2021-04-12", "").replace("Connection: close\r\n", "")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long closed = millisUntilClosed(s); // reads the 200, then waits out the idle timeout
      assertThat(closed).isGreaterThanOrEqualTo(TIMEOUT.toMillis() - 100).isLessThan(CLOSED_WITHIN_MILLIS);
    }
  }

  @Test
  void directMethodWaitingLongerThanTheIdleTimeoutForItsDeviceIsNotCut() throws Exception {
    ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
    DeviceSession session = MethodDevice.connect(hub.engine(), "d1", (s, request) -> later.schedule(
        () -> s.respond(request.requestId(), 200, "\"late\""), 2500, TimeUnit.MILLISECONDS));
    try {
      DirectMethodsClient methods = new DirectMethodsClient(hub.httpsHost(),
          new AzureSasCredential(hub.serviceSasToken()), DirectMethodsClientOptions.builder().build());
      DirectMethodResponse r = methods.invoke("d1", "slow", DirectMethodRequestOptions.builder()
          .methodResponseTimeoutSeconds(10).build());
      assertThat(r.getStatus()).isEqualTo(200);
      assertThat(r.getPayload(String.class)).isEqualTo("late");
    } finally {
      session.close();
      later.shutdownNow();
    }
  }
}
