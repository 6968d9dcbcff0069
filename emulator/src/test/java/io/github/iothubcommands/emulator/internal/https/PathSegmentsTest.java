package io.github.iothubcommands.emulator.internal.https;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PathSegmentsTest {

  @Test
  void segmentsAreDecodedOnceWithPlusKeptAndLeadingSlashesSkipped() {
    assertThat(PathSegments.split("//devices/a+b%2Bc%25d")).containsExactly("devices", "a+b+c%d");
    assertThat(PathSegments.split("/twins/a%2Fb/methods")).containsExactly("twins", "a/b", "methods");
    assertThat(PathSegments.split("/devices/%C3%A9")).containsExactly("devices", "\u00e9");
  }

  @Test
  void percentSignWithoutTwoHexDigitsStaysLiteral() {
    assertThat(PathSegments.decode("dev+1%x")).isEqualTo("dev+1%x");
    assertThat(PathSegments.decode("%")).isEqualTo("%");
    assertThat(PathSegments.decode("a%4")).isEqualTo("a%4");
    assertThat(PathSegments.decode("%2525")).isEqualTo("%25");
  }

  @Test
  void escapesThatAreNotUtf8AreRefused() {
    assertThatThrownBy(() -> PathSegments.decode("%FF")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not UTF-8");
  }
}
