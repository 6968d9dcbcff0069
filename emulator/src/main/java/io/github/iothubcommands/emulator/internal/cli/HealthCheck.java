package io.github.iothubcommands.emulator.internal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.iothubcommands.emulator.IotHubEmulator;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * {@code --health}: asks a running emulator's {@code GET /health} until it answers 200 or the wait is over.
 * The emulator's certificate is generated at its start and this process may not hold it, so the check
 * accepts any certificate, as {@code curl -k} would: it sends nothing secret and only reads the doors' states.
 */
final class HealthCheck {
  /** The longest one attempt's connect or read may take. */
  private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
  /** The pause between attempts. */
  private static final Duration PAUSE = Duration.ofMillis(200);

  private HealthCheck() {}

  /**
   * Checks the emulator serving HTTPS on {@code host:port}.
   *
   * @param host the emulator's bind address, an IPv4 literal
   * @param port its HTTPS port
   * @param wait how long to keep asking; zero asks once
   * @param out where the verdict goes
   * @return 0 if it answered 200 in time, 1 otherwise
   */
  static int run(String host, int port, Duration wait, PrintStream out) {
    String url = "https://" + host + ":" + port + IotHubEmulator.HEALTH_PATH;
    long deadline = System.nanoTime() + wait.toNanos();
    String last;
    while (true) {
      try {
        Answer a = ask(url);
        if (a.status() == 200) {
          out.println("iothub-emulator: healthy at " + url + ": " + a.doors());
          return 0;
        }
        last = "answered " + a.status() + " (" + a.doors() + ")";
      } catch (IOException e) {
        last = e.toString();
      }
      if (System.nanoTime() - deadline >= 0) {
        out.println("iothub-emulator: not healthy at " + url + " after " + wait.toSeconds() + " s: " + last);
        return 1;
      }
      try {
        Thread.sleep(PAUSE.toMillis()); // the command line's own wait, not the library's
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        out.println("iothub-emulator: health check interrupted; last: " + last);
        return 1;
      }
    }
  }

  private record Answer(int status, String doors) {}

  private static Answer ask(String url) throws IOException {
    HttpsURLConnection c = (HttpsURLConnection) URI.create(url).toURL().openConnection();
    c.setSSLSocketFactory(ANY_CERTIFICATE);
    c.setHostnameVerifier((host, session) -> true);
    c.setConnectTimeout((int) ATTEMPT_TIMEOUT.toMillis());
    c.setReadTimeout((int) ATTEMPT_TIMEOUT.toMillis());
    try {
      int status = c.getResponseCode();
      try (InputStream in = status < HttpURLConnection.HTTP_BAD_REQUEST ? c.getInputStream() : c.getErrorStream()) {
        return new Answer(status, in == null ? "no body" : doors(new ObjectMapper().readTree(in)));
      }
    } finally {
      c.disconnect();
    }
  }

  private static String doors(JsonNode body) {
    List<String> each = new ArrayList<>();
    for (Map.Entry<String, JsonNode> d : body.path("frontDoors").properties()) {
      each.add(d.getKey() + " " + d.getValue().path("port").asInt() + " " + d.getValue().path("state").asText());
    }
    return each.isEmpty() ? "no front doors reported" : String.join(", ", each);
  }

  private static final SSLSocketFactory ANY_CERTIFICATE = anyCertificate();

  private static SSLSocketFactory anyCertificate() {
    TrustManager acceptAll = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {acceptAll}, null);
      return ctx.getSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no TLS context", e);
    }
  }
}
