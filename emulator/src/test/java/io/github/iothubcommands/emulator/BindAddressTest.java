package io.github.iothubcommands.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Where the emulator listens, and how its names and certificate follow that address. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BindAddressTest {

  @Test
  void bindAddressMustBeAnIpv4Literal() {
    assertThatThrownBy(() -> IotHubEmulator.builder().bindAddress("localhost"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bindAddress must be an IPv4 literal such as 127.0.0.2, but was 'localhost'");
    assertThatThrownBy(() -> IotHubEmulator.builder().bindAddress("127.0.0.256"))
        .hasMessageEndingWith("but was '127.0.0.256'");
    assertThatThrownBy(() -> IotHubEmulator.builder().bindAddress("127.0.0"))
        .hasMessageEndingWith("but was '127.0.0'");
    assertThatThrownBy(() -> IotHubEmulator.builder().bindAddress(InetAddress.getByName("::1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bindAddress must be an IPv4 address (connection strings cannot carry an IPv6 literal), but"
            + " was 0:0:0:0:0:0:0:1");
  }

  @Test
  void nonLoopbackAddressIsRefusedAtStartUnlessAllowed() {
    assertThatThrownBy(() -> IotHubEmulator.builder().bindAddress("192.0.2.7").start().close())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("bindAddress 192.0.2.7 is not a loopback address: it would expose the hub to the network;"
            + " call allowNonLoopbackBindAddress() to allow it");
    assertThatThrownBy(() -> IotHubEmulator.builder().bindAddress("0.0.0.0").start().close())
        .hasMessageStartingWith("bindAddress 0.0.0.0 is not a loopback address");
    // Allowed, it gets as far as binding: 192.0.2.7 (a documentation address) is not this machine's.
    assertThatThrownBy(() -> IotHubEmulator.builder().bindAddress("192.0.2.7").allowNonLoopbackBindAddress()
        .httpsPort(0).mqttPort(0).amqpPort(0).start().close())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot start the emulator's MQTT server on 192.0.2.7");
  }

  @Test
  void aFixedAddressAndAnyFreeAddressConflict() {
    assertThatThrownBy(() -> IotHubEmulator.builder().bindAddress("127.0.0.9").bindAnyFreeLoopbackAddress().start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("bindAddress(127.0.0.9) and bindAnyFreeLoopbackAddress() conflict: choose one address, or let"
            + " the emulator find a free one");
  }

  @Test
  void anotherLoopbackAddressIsNamedByEveryConnectionDetailAndByTheCertificate() throws Exception {
    try (IotHubEmulator hub = IotHubEmulator.builder().bindAnyFreeLoopbackAddress().devices("d1").start()) {
      String ip = hub.bindAddress().getHostAddress();
      assertThat(ip).startsWith("127.0.0.").isNotEqualTo("127.0.0.1");
      int last = Integer.parseInt(ip.substring("127.0.0.".length()));
      assertThat(last).isBetween(2, 254);
      assertThat(hub.serviceHost()).isEqualTo(ip);
      assertThat(hub.httpsHost()).isEqualTo(ip + ":" + IotHubEmulator.DEFAULT_HTTPS_PORT);
      assertThat(hub.healthUrl()).isEqualTo("https://" + ip + ":8443/health");
      assertThat(hub.serviceConnectionString()).startsWith("HostName=" + ip + ";SharedAccessKeyName=iothubowner;");
      assertThat(hub.serviceSasToken()).contains("sr=" + ip + "&");
      assertThat(hub.deviceConnectionString("d1")).startsWith("HostName=" + ip + ";DeviceId=d1;");
      assertThat(hub.toString()).contains("https=" + ip + ":8443", "mqtt=" + ip + ":8883", "amqps=" + ip + ":5671");

      // Each front door's certificate passes host name verification for the address (its IP SAN).
      for (int port : List.of(hub.mqttPort(), hub.amqpPort(), hub.httpsPort())) {
        X509Certificate cert = handshakeVerifyingHost(hub, ip, port);
        assertThat(sans(cert)).containsExactly("localhost", "127.0.0.1", ip);
      }
    }
  }

  @Test
  void theDefaultAddressKeepsLocalhostForServicesAndNoExtraName() throws Exception {
    try (IotHubEmulator hub = IotHubEmulator.builder().httpsPort(0).mqttPort(0).amqpPort(0).devices("d1").start()) {
      assertThat(hub.bindAddress().getHostAddress()).isEqualTo("127.0.0.1");
      assertThat(hub.serviceHost()).isEqualTo("localhost");
      assertThat(hub.httpsHost()).isEqualTo("localhost:" + hub.httpsPort());
      assertThat(hub.deviceConnectionString("d1")).startsWith("HostName=127.0.0.1;");
      X509Certificate cert = handshakeVerifyingHost(hub, "127.0.0.1", hub.mqttPort());
      assertThat(sans(cert)).containsExactly("localhost", "127.0.0.1");
    }
  }

  @Test
  void anyFreeAddressSkipsOneWhosePortsAreTaken() throws Exception {
    InetAddress first = IotHubEmulator.findFreeLoopbackAddress();
    try (ServerSocket squatter = new ServerSocket()) {
      squatter.bind(new InetSocketAddress(first, IotHubEmulator.DEFAULT_MQTT_PORT));
      try (IotHubEmulator hub = IotHubEmulator.builder().bindAnyFreeLoopbackAddress().start()) {
        assertThat(hub.bindAddress()).isNotEqualTo(first);
        assertThat(hub.mqttPort()).isEqualTo(IotHubEmulator.DEFAULT_MQTT_PORT);
      }
    }
  }

  @Test
  void aBindLostAfterTheProbeMovesOnToTheNextAddress() throws Exception {
    InetAddress taken = IotHubEmulator.findFreeLoopbackAddress();
    try (ServerSocket squatter = new ServerSocket()) {
      squatter.bind(new InetSocketAddress(taken, IotHubEmulator.DEFAULT_HTTPS_PORT));
      InetAddress next = IotHubEmulator.findFreeLoopbackAddress(); // another one: 8443 is taken on the first
      // The probe says both are free (as if another process took the port just after it looked).
      try (IotHubEmulator hub = IotHubEmulator.builder().mqttPort(0).amqpPort(0)
          .startOnFirstFree(List.of(taken, next), a -> true)) {
        assertThat(hub.bindAddress()).isEqualTo(next);
      }
      assertThatThrownBy(() -> IotHubEmulator.builder().mqttPort(0).amqpPort(0)
          .startOnFirstFree(List.of(taken), a -> true))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("no loopback address from 127.0.0.2 to 127.0.0.254 has ports [0, 0, 8443] free")
          .cause().hasMessageContaining("cannot start the emulator's HTTPS server on " + taken.getHostAddress()
              + " port 8443");
    }
  }

  @Test
  void twoEmulatorsOnAnyFreeAddressGetTwoAddressesWithTheSamePorts() {
    try (IotHubEmulator a = IotHubEmulator.builder().bindAnyFreeLoopbackAddress().start();
        IotHubEmulator b = IotHubEmulator.builder().bindAnyFreeLoopbackAddress().start()) {
      assertThat(a.bindAddress()).isNotEqualTo(b.bindAddress());
      assertThat(List.of(a.amqpPort(), a.mqttPort(), a.httpsPort()))
          .isEqualTo(List.of(b.amqpPort(), b.mqttPort(), b.httpsPort()))
          .isEqualTo(List.of(5671, 8883, 8443));
    }
  }

  @Test
  void emulatorsStartedTogetherOnAnyFreeAddressEachEndUpOnTheirOwn() throws Exception {
    // One process: every start probes the same first address, so all but one lose a bind race and move on.
    int count = 4;
    ExecutorService pool = Executors.newFixedThreadPool(count);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<IotHubEmulator>> starts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      starts.add(pool.submit(() -> {
        go.await();
        return IotHubEmulator.builder().bindAnyFreeLoopbackAddress().start();
      }));
    }
    go.countDown();
    List<IotHubEmulator> hubs = new ArrayList<>();
    try {
      for (Future<IotHubEmulator> f : starts) {
        hubs.add(f.get(60, TimeUnit.SECONDS));
      }
      assertThat(hubs.stream().map(IotHubEmulator::bindAddress).distinct()).hasSize(count);
      assertThat(hubs).allSatisfy(h -> assertThat(List.of(h.amqpPort(), h.mqttPort(), h.httpsPort()))
          .isEqualTo(List.of(5671, 8883, 8443)));
    } finally {
      for (Future<IotHubEmulator> f : starts) { // each that started, also if another failed (close is idempotent)
        try {
          f.get(60, TimeUnit.SECONDS).close();
        } catch (ExecutionException e) {
          // that start failed: nothing to close
        }
      }
      pool.shutdownNow();
    }
  }

  @Test
  void trustingSeveralEmulatorsNeedsAtLeastOne() {
    assertThatThrownBy(() -> IotHubEmulator.sslContextTrusting(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("emulators must name at least one emulator, but was empty");
  }

  private static List<String> sans(X509Certificate cert) throws Exception {
    return cert.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList();
  }

  private static X509Certificate handshakeVerifyingHost(IotHubEmulator hub, String host, int port) throws Exception {
    try (SSLSocket s = (SSLSocket) hub.sslContext().getSocketFactory().createSocket(host, port)) {
      SSLParameters p = s.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS"); // fails the handshake unless a SAN matches the host
      s.setSSLParameters(p);
      s.setSoTimeout(10_000);
      s.startHandshake();
      return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }
  }
}
