package io.github.iothubcommands.internal;

import io.github.iothubcommands.Command;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Argument checks whose messages name the field, the rule and the value: {@code "deviceId must be at most
 * 128 characters, but was 130 characters ('aaaa…')"}.
 */
public final class Validation {
  /** IoT Hub device ids: at most 128 characters. */
  public static final int MAX_DEVICE_ID_LENGTH = 128;
  /** DTDL names: at most 64 characters. */
  public static final int MAX_COMPONENT_LENGTH = 64;
  /** The punctuation IoT Hub allows in a device id besides ASCII letters and digits. */
  public static final String DEVICE_ID_PUNCTUATION = "-.+%_#*?!(),:=@$'";
  /** Characters a command (direct method) name must not contain. */
  public static final String NAME_FORBIDDEN = "/?#+*$";

  private Validation() {}

  public static <T> T notNull(String field, @Nullable T value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " must not be null");
    }
    return value;
  }

  /** Non-blank printable ASCII (0x21–0x7e and inner spaces are refused too: no whitespace at all). */
  public static String printableAscii(String field, @Nullable String value, int maxLength) {
    String v = lengthBetween(field, value, maxLength);
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        throw fail(field, "contain only printable ASCII characters without whitespace", v,
            "character " + describe(c) + " at index " + i);
      }
    }
    return v;
  }

  public static String deviceId(@Nullable String value) {
    String field = "deviceId";
    String v = lengthBetween(field, value, MAX_DEVICE_ID_LENGTH);
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (!(isAsciiLetterOrDigit(c) || DEVICE_ID_PUNCTUATION.indexOf(c) >= 0)) {
        throw fail(field, "contain only ASCII letters, digits and " + DEVICE_ID_PUNCTUATION, v,
            "character " + describe(c) + " at index " + i);
      }
    }
    return v;
  }

  /** Command (direct method) names: printable ASCII without the characters MQTT topics and components use. */
  public static String commandName(String field, @Nullable String value) {
    String v = printableAscii(field, value, Command.MAX_NAME_LENGTH);
    for (int i = 0; i < v.length(); i++) {
      if (NAME_FORBIDDEN.indexOf(v.charAt(i)) >= 0) {
        throw fail(field, "not contain any of " + NAME_FORBIDDEN, v,
            "character " + describe(v.charAt(i)) + " at index " + i);
      }
    }
    return v;
  }

  /** DTDL names: {@code ^[A-Za-z](?:[A-Za-z0-9_]*[A-Za-z0-9])?$}, at most 64 characters. */
  public static String componentName(String field, @Nullable String value) {
    String v = lengthBetween(field, value, MAX_COMPONENT_LENGTH);
    boolean ok = isAsciiLetter(v.charAt(0)) && v.charAt(v.length() - 1) != '_';
    for (int i = 1; ok && i < v.length(); i++) {
      char c = v.charAt(i);
      ok = isAsciiLetterOrDigit(c) || c == '_';
    }
    if (!ok) {
      throw fail(field, "be a DTDL name (a letter, then letters, digits or '_', not ending with '_')", v, null);
    }
    return v;
  }

  public static String propertyKey(String field, @Nullable String value) {
    String v = printableAscii(field, value, Command.MAX_NAME_LENGTH);
    if (v.startsWith("iothub-") || v.startsWith("$")) {
      throw fail(field, "not start with 'iothub-' or '$' (reserved by IoT Hub)", v, null);
    }
    if (v.equals(Command.NAME_PROPERTY)) {
      throw fail(field, "not be '" + Command.NAME_PROPERTY + "' (it carries the command's name)", v, null);
    }
    if (v.equals(Command.ID_PROPERTY)) {
      throw fail(field, "not be '" + Command.ID_PROPERTY + "' (it carries the command's id)", v, null);
    }
    return v;
  }

  public static Duration durationBetween(
      String field, @Nullable Duration value, Duration min, Duration max, boolean wholeSeconds) {
    Duration v = notNull(field, value);
    if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          field + " must be between " + seconds(min) + " and " + seconds(max) + ", but was " + seconds(v));
    }
    if (wholeSeconds && v.getNano() != 0) {
      throw new IllegalArgumentException(
          field + " must be a whole number of seconds (the hub takes seconds), but was " + v);
    }
    return v;
  }

  public static Duration notNegative(String field, @Nullable Duration value) {
    Duration v = notNull(field, value);
    if (v.isNegative()) {
      throw new IllegalArgumentException(field + " must not be negative, but was " + v);
    }
    return v;
  }

  public static void maxBytes(String field, int size, int max) {
    if (size > max) {
      throw new IllegalArgumentException(
          field + " must be at most " + max + " bytes, but was " + size + " bytes");
    }
  }

  /** Formats a duration as the hub documents it: {@code 300 s}, {@code 1.5 s}, {@code 172800 s}. */
  public static String seconds(Duration d) {
    if (d.getNano() == 0) {
      return d.getSeconds() + " s";
    }
    return d.toMillis() / 1000.0 + " s";
  }

  private static String lengthBetween(String field, @Nullable String value, int maxLength) {
    if (value == null) {
      throw new IllegalArgumentException(field + " must not be null");
    }
    if (value.isBlank()) {
      throw fail(field, "not be blank", value, null);
    }
    if (value.length() > maxLength) {
      throw new IllegalArgumentException(field + " must be at most " + maxLength + " characters, but was "
          + value.length() + " characters (" + quote(value) + ")");
    }
    return value;
  }

  private static IllegalArgumentException fail(String field, String rule, String value, @Nullable String detail) {
    return new IllegalArgumentException(
        field + " must " + rule + ", but was " + (detail == null ? "" : detail + " in ") + quote(value));
  }

  private static String quote(String value) {
    String shown = value.length() > 40 ? value.substring(0, 40) + "…" : value;
    StringBuilder sb = new StringBuilder("'");
    shown.codePoints().forEach(cp -> {
      if (cp < 0x20 || cp == 0x7f) {
        sb.append(String.format("\\u%04x", cp));
      } else {
        sb.appendCodePoint(cp);
      }
    });
    return sb.append('\'').toString();
  }

  private static String describe(char c) {
    return c < 0x20 || c >= 0x7f ? String.format("U+%04X", (int) c) : "'" + c + "'";
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isAsciiLetterOrDigit(char c) {
    return isAsciiLetter(c) || (c >= '0' && c <= '9');
  }
}
