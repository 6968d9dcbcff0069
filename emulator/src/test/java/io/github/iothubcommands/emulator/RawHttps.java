package io.github.iothubcommands.emulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * HTTP/1.1 over a plain TLS socket, byte for byte as the test writes it: for requests the service SDK never
 * sends (wrong JSON types, oversized headers, trickled bytes). Each exchange uses its own connection.
 */
final class RawHttps {
  /** Reads wait at most this long. */
  static final int READ_TIMEOUT_MILLIS = 10_000;

  /**
   * A response as read up to the server's close.
   *
   * @param statusLine the first line, or {@code null} if the server closed without answering
   * @param text the whole response text
   */
  record Response(@Nullable String statusLine, String text) {
    int status() {
      return statusLine == null ? -1 : Integer.parseInt(statusLine.split(" ")[1]);
    }

    String body() {
      int at = text.indexOf("\r\n\r\n");
      return at < 0 ? "" : text.substring(at + 4);
    }
  }

  private RawHttps() {}

  /**
   * A request with the emulator's service token, {@code Connection: close} and the body's length.
   *
   * @param requestLine e.g. {@code POST /twins/d1/methods?api-version=2021-04-12}
   * @param body the body, empty for none
   * @param headers more header lines
   */
  static String request(IotHubEmulator hub, String requestLine, String body, String... headers) {
    StringBuilder req = new StringBuilder(requestLine).append(" HTTP/1.1\r\n")
        .append("Host: localhost\r\n")
        .append("Authorization: ").append(hub.serviceSasToken()).append("\r\n")
        .append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
        .append("Connection: close\r\n");
    for (String h : headers) {
      req.append(h).append("\r\n");
    }
    return req.append("\r\n").append(body).toString();
  }

  /**
   * Sends {@code request} on a new connection and reads the response until the server closes. A server that
   * refuses a request from its head (431, 413) answers and closes while the rest is still being written: the
   * write then fails (broken pipe, reset), and the answer it sent is read all the same.
   *
   * @throws IOException if the write failed and no answer came
   */
  static Response exchange(IotHubEmulator hub, String request) throws IOException {
    try (Socket s = open(hub)) {
      IOException writeFailure = null;
      try {
        OutputStream out = s.getOutputStream();
        out.write(request.getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (IOException e) { // the JDK's TLS socket stays readable after its transport's write fails
        writeFailure = e;
      }
      Response r = read(s);
      if (r.statusLine() == null && writeFailure != null) {
        throw writeFailure;
      }
      return r;
    }
  }

  /** A new TLS connection to the emulator's HTTPS port, reads bounded by {@link #READ_TIMEOUT_MILLIS}. */
  static Socket open(IotHubEmulator hub) throws IOException {
    Socket s = hub.sslContext().getSocketFactory().createSocket(hub.bindAddress(), hub.httpsPort());
    s.setSoTimeout(READ_TIMEOUT_MILLIS);
    return s;
  }

  /** Reads until the server closes (or a read times out, or the peer resets); whatever came is the response. */
  static Response read(Socket s) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    InputStream in = s.getInputStream();
    byte[] buf = new byte[8192];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        all.write(buf, 0, n);
      }
    } catch (SocketTimeoutException | java.net.SocketException e) {
      // what came so far is the answer
    }
    String text = all.toString(StandardCharsets.UTF_8);
    int eol = text.indexOf("\r\n");
    return new Response(eol < 0 ? null : text.substring(0, eol), text);
  }
}
