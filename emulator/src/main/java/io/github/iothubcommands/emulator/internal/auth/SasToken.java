package io.github.iothubcommands.emulator.internal.auth;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * A parsed {@code SharedAccessSignature sr=…&sig=…&se=…[&skn=…]} token. Field values are kept as they
 * appear in the token, still URL-encoded, because the signature covers {@code sr} as the client wrote it:
 * the service SDK writes and signs {@code urlencode(lowercase(host))}, the device SDK the raw
 * {@code {host}/devices/{id}}. {@link #toString()} never shows the signature.
 */
public final class SasToken {
  private static final String PREFIX = "SharedAccessSignature ";

  private final Map<String, String> rawFields;

  private SasToken(Map<String, String> rawFields) {
    this.rawFields = rawFields;
  }

  /**
   * Parses a token.
   *
   * @param token the token text
   * @return the token
   * @throws IllegalArgumentException if it is not a well-formed SAS token (the message never repeats it)
   */
  public static SasToken parse(@Nullable String token) {
    if (token == null || !token.startsWith(PREFIX)) {
      throw new IllegalArgumentException("not a SharedAccessSignature token");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (String part : token.substring(PREFIX.length()).trim().split("&")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("SAS token has a field without a name or '='");
      }
      fields.put(part.substring(0, eq), part.substring(eq + 1));
    }
    for (String required : new String[] {"sr", "sig", "se"}) {
      if (!fields.containsKey(required)) {
        throw new IllegalArgumentException("SAS token lacks the field " + required);
      }
    }
    try {
      Long.parseLong(fields.get("se"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("SAS token field se must be epoch seconds, but was '"
          + fields.get("se") + "'", e);
    }
    return new SasToken(fields);
  }

  /**
   * Builds a token the way the Azure SDKs do: signs {@code urlencode(lowercase(resource))}.
   *
   * @param resource the resource URI, e.g. {@code localhost} or {@code 127.0.0.1/devices/d1}
   * @param base64Key the key, base64
   * @param expiryEpochSeconds when the token expires
   * @param keyName the policy name ({@code skn}), or {@code null} for a device token
   * @return the token text
   */
  public static String build(String resource, String base64Key, long expiryEpochSeconds, @Nullable String keyName) {
    String sr = encode(resource.toLowerCase(Locale.ROOT));
    String sig = encode(Base64.getEncoder().encodeToString(hmac(base64Key, sr + "\n" + expiryEpochSeconds)));
    return PREFIX + "sr=" + sr + "&sig=" + sig + "&se=" + expiryEpochSeconds
        + (keyName == null ? "" : "&skn=" + encode(keyName));
  }

  /**
   * Returns the resource URI, decoded and lower-cased.
   *
   * @return the resource
   */
  public String resource() {
    return decode(rawFields.get("sr")).toLowerCase(Locale.ROOT);
  }

  /**
   * Returns the expiry.
   *
   * @return epoch seconds
   */
  public long expiryEpochSeconds() {
    return Long.parseLong(rawFields.get("se"));
  }

  /**
   * Returns the policy name.
   *
   * @return the decoded {@code skn}, or {@code null} if absent
   */
  public @Nullable String keyName() {
    String v = rawFields.get("skn");
    return v == null ? null : decode(v);
  }

  /**
   * Whether the signature was made with {@code base64Key}, over {@code sr} exactly as sent or over its
   * canonical encoded or decoded forms.
   *
   * @param base64Key the key, base64
   * @return {@code true} if the signature matches
   */
  public boolean signedWith(String base64Key) {
    byte[] presented;
    try {
      presented = Base64.getDecoder().decode(decode(rawFields.get("sig")));
    } catch (IllegalArgumentException e) {
      return false;
    }
    String srRaw = rawFields.get("sr");
    String se = rawFields.get("se");
    String srDecoded = decode(srRaw);
    for (String candidate : new String[] {srRaw, encode(srDecoded), encode(srDecoded.toLowerCase(Locale.ROOT)),
        srDecoded}) {
      if (MessageDigest.isEqual(presented, hmac(base64Key, candidate + "\n" + se))) {
        return true;
      }
    }
    return false;
  }

  private static byte[] hmac(String base64Key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Base64.getDecoder().decode(base64Key), "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      // The exception would not contain the key, but say nothing of it anyway.
      throw new IllegalStateException("cannot compute HMAC-SHA256 (is the key base64?)");
    }
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "SasToken{sr=" + resource() + ", se=" + rawFields.get("se") + ", skn=" + keyName() + '}';
  }
}
