package io.github.iothubcommands.emulator.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The command line in a JVM of its own, on the test class path, its output in a file. */
final class CommandLineProcess {
  private CommandLineProcess() {}

  /**
   * Starts {@link EmulatorMain}.
   *
   * @param jvmOptions options before {@code -cp}, such as {@code -Dlogback.configurationFile=…}
   * @param log where stdout and stderr go
   * @param args the command line
   */
  static Process start(List<String> jvmOptions, Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), EmulatorMain.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** Waits up to 30 s for the info file, then reads it; fails with the process's output if it never came. */
  static JsonNode awaitInfoFile(Process p, Path info, Path log) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(info) && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(info).as("info file; output: %s", Files.exists(log) ? Files.readString(log) : "").exists();
    return new ObjectMapper().readTree(info.toFile());
  }
}
