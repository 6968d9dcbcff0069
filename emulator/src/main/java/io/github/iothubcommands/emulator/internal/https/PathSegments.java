package io.github.iothubcommands.emulator.internal.https;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Splits a request's raw path into percent-decoded segments, each decoded exactly once. Device ids may hold
 * {@code +} and {@code %}, and the service SDK puts ids into paths unencoded: a {@code +} stays a {@code +}
 * (this is a path, not a form), and a {@code %} not followed by two hex digits stays a {@code %}. So an id
 * that itself contains {@code %} and two hex digits only round-trips when the client encodes it ({@code %25}).
 */
final class PathSegments {
  private PathSegments() {}

  /**
   * Splits and decodes a raw path.
   *
   * @param rawPath the path as sent, without the query
   * @return its segments, leading slashes skipped
   * @throws IllegalArgumentException if escaped bytes are not UTF-8
   */
  static String[] split(String rawPath) {
    int start = 0;
    while (start < rawPath.length() && rawPath.charAt(start) == '/') {
      start++;
    }
    String[] seg = rawPath.substring(start).split("/");
    for (int i = 0; i < seg.length; i++) {
      seg[i] = decode(seg[i]);
    }
    return seg;
  }

  static String decode(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    StringBuilder out = new StringBuilder(raw.length());
    byte[] escaped = new byte[raw.length() / 3];
    int n = 0;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%' && i + 2 < raw.length()
          && HexFormat.isHexDigit(raw.charAt(i + 1)) && HexFormat.isHexDigit(raw.charAt(i + 2))) {
        int hi = HexFormat.fromHexDigit(raw.charAt(i + 1));
        escaped[n++] = (byte) (hi << 4 | HexFormat.fromHexDigit(raw.charAt(i + 2)));
        i += 2;
      } else {
        n = flush(escaped, n, out);
        out.append(c);
      }
    }
    flush(escaped, n, out);
    return out.toString();
  }

  /** Appends the escaped bytes gathered so far as UTF-8 text. */
  private static int flush(byte[] escaped, int n, StringBuilder out) {
    if (n > 0) {
      try {
        out.append(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(escaped, 0, n)));
      } catch (CharacterCodingException e) {
        throw new IllegalArgumentException("the request path has percent-escapes that are not UTF-8");
      }
    }
    return 0;
  }
}
