package io.github.iothubcommands.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class QuickstartTest {

  @Test
  void quickstartRunsAndPrintsBothOutcomes() {
    assertThat(stdoutOf(() -> Quickstart.main(new String[0])).lines())
        .containsExactly("SUCCEEDED {\"accepted\":true}", "DELIVERED");
  }

  @Test
  void readmeQuickstartIsTheCompiledOne() throws Exception {
    String source = Files.readString(Path.of("src/main/java/io/github/iothubcommands/examples/Quickstart.java"));
    String readme = Files.readString(Path.of("../README.md"));
    String snippet = between(source, "// README quickstart begins\n", "    // README quickstart ends");
    String unindented = snippet.lines().map(l -> l.length() >= 4 ? l.substring(4) : l.strip())
        .reduce((a, b) -> a + "\n" + b).orElseThrow();
    assertThat(readme).as("README.md must contain Quickstart.java's snippet verbatim (unindented by 4)")
        .contains(unindented);
  }

  /** What {@code main} prints on {@code System.out}. */
  static String stdoutOf(Runnable main) {
    PrintStream original = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      main.run();
    } finally {
      System.setOut(original);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  static String between(String s, String start, String end) {
    int from = s.indexOf(start) + start.length();
    return s.substring(from, s.indexOf(end, from));
  }
}
