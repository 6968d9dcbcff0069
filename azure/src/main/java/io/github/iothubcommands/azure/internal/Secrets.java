package io.github.iothubcommands.azure.internal;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Removes what must never reach a log line or an exception: signatures and keys. */
public final class Secrets {
  private static final Pattern SIGNATURE = Pattern.compile("(?i)(sig=)[^&\\s\"';]+");
  private static final Pattern KEY = Pattern.compile("(?i)(SharedAccessKey=)[^;\\s\"']+");
  private static final Pattern TOKEN = Pattern.compile("(?i)(SharedAccessSignature )[^\\s\"']+");

  private Secrets() {}

  /** The text with every signature, key and SAS token replaced by {@code ***}. */
  public static String redact(@Nullable String text) {
    if (text == null) {
      return "";
    }
    String s = SIGNATURE.matcher(text).replaceAll("$1***");
    s = KEY.matcher(s).replaceAll("$1***");
    return TOKEN.matcher(s).replaceAll("$1***");
  }
}
