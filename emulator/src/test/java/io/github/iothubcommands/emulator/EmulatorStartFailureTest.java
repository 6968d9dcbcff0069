package io.github.iothubcommands.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.Security;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A start that fails part way releases what it had made: temporary directory, threads, ports. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EmulatorStartFailureTest {
  static final Path TMP = Path.of(System.getProperty("java.io.tmpdir"));

  static Set<Path> emulatorDirectories() throws IOException {
    try (Stream<Path> entries = Files.list(TMP)) {
      return entries.filter(p -> p.getFileName().toString().startsWith("iothub-emulator")).collect(Collectors.toSet());
    }
  }

  static Set<String> emulatorThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(n -> n.startsWith("emulator-")).collect(Collectors.toSet());
  }

  @Test
  void startThatCannotMakeItsCertificateLeavesNoTemporaryDirectory() throws Exception {
    Set<Path> before = emulatorDirectories();
    // Without a provider of EC key pairs (the JDK's, and BouncyCastle if an SDK registered it) generation fails.
    List<Provider> all = List.of(Security.getProviders());
    List<Provider> ec = all.stream().filter(p -> p.getService("KeyPairGenerator", "EC") != null).toList();
    ec.forEach(p -> Security.removeProvider(p.getName()));
    try {
      assertThatThrownBy(() -> IotHubEmulator.builder().httpsPort(0).mqttPort(0).amqpPort(0).start().close())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("TLS certificate");
    } finally {
      for (Provider p : ec) { // in their order, each at its place
        Security.insertProviderAt(p, all.indexOf(p) + 1);
      }
    }
    assertThat(Security.getProviders()).containsExactlyElementsOf(all);
    assertThat(emulatorDirectories()).isEqualTo(before);
  }

  @Test
  void startThatCannotBindLeavesNoTemporaryDirectoryNorThreadsAndNamesThePort() throws Exception {
    Set<Path> before = emulatorDirectories();
    Set<String> threadsBefore = emulatorThreads();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      assertThatThrownBy(() -> IotHubEmulator.builder().httpsPort(port).mqttPort(0).amqpPort(0).start().close())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("HTTPS server")
          .hasMessageContaining("port " + port);
    }
    assertThat(emulatorDirectories()).isEqualTo(before);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!threadsBefore.containsAll(emulatorThreads()) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(emulatorThreads()).isSubsetOf(threadsBefore);
  }
}
