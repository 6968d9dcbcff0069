package io.github.iothubcommands.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class ReactiveHandlerTest {

  @Test
  void handlerAnswersEachRequestWithItsCommandsOutcome() {
    assertThat(QuickstartTest.stdoutOf(() -> ReactiveHandler.main(new String[0])).lines()).satisfiesExactly(
        line -> assertThat(line).isEqualTo("200 {\"accepted\":true}"),
        line -> assertThat(line).isEqualTo("503 {\"error\":\"device pump-2 is offline\"}"),
        line -> assertThat(line).startsWith("400 {\"error\":\"deviceId "));
  }

  @Test
  void theGuideShowsTheCompiledHandlerAndMain() throws Exception {
    String source = Files.readString(Path.of("src/main/java/io/github/iothubcommands/examples/ReactiveHandler.java"));
    String guide = Files.readString(Path.of("../docs/reactive.md"));
    for (String part : new String[] {"handler", "main"}) {
      String snippet = QuickstartTest.between(source, "// docs/reactive.md " + part + " begins\n",
          "// docs/reactive.md " + part + " ends");
      String unindented = snippet.stripIndent();
      assertThat(guide).as("docs/reactive.md must contain ReactiveHandler.java's %s snippet verbatim", part)
          .contains(unindented.strip());
    }
  }
}
