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
  private static final String HMAC = "HmacSHA256";

  private final String rawResource;
  /** {@code sr} decoded, in the client's case. */
  private final String decodedResource;
  private final String resource;
  private final String rawExpiry;
  private final long expiryEpochSeconds;
  private final @Nullable String keyName;
  private final String signature;

  private SasToken(String rawResource, String decodedResource, String rawExpiry, long expiryEpochSeconds,
      @Nullable String keyName, String signature) {
    this.rawResource = rawResource;
    this.decodedResource = decodedResource;
    this.resource = decodedResource.toLowerCase(Locale.ROOT);
    this.rawExpiry = rawExpiry;
    this.expiryEpochSeconds = expiryEpochSeconds;
    this.keyName = keyName;
    this.signature = signature;
  }

  /**
   * Parses a token, decoding its fields once.
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
    String se = fields.get("se");
    long expiry;
    try {
      expiry = Long.parseLong(se);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("SAS token field se must be epoch seconds, but was '" + se + "'", e);
    }
    String skn = fields.get("skn");
    return new SasToken(fields.get("sr"), decode("sr", fields.get("sr")), se, expiry,
        skn == null ? null : decode("skn", skn), decode("sig", fields.get("sig")));
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
    String sig = encode(Base64.getEncoder().encodeToString(mac(base64Key).doFinal(
        (sr + "\n" + expiryEpochSeconds).getBytes(StandardCharsets.UTF_8))));
    return PREFIX + "sr=" + sr + "&sig=" + sig + "&se=" + expiryEpochSeconds
        + (keyName == null ? "" : "&skn=" + encode(keyName));
  }

  /**
   * Returns the resource URI, decoded and lower-cased.
   *
   * @return the resource
   */
  public String resource() {
    return resource;
  }

  /**
   * Returns the expiry.
   *
   * @return epoch seconds
   */
  public long expiryEpochSeconds() {
    return expiryEpochSeconds;
  }

  /**
   * Returns the policy name.
   *
   * @return the decoded {@code skn}, or {@code null} if absent
   */
  public @Nullable String keyName() {
    return keyName;
  }

  /**
   * Whether the signature was made with {@code base64Key}, over {@code sr} exactly as sent or over its
   * canonical encoded or decoded forms. The forms are tried one at a time, the one both SDKs sign first, and
   * a form equal to one already tried is skipped.
   *
   * @param base64Key the key, base64
   * @return {@code true} if the signature matches; {@code false} for a key that is not base64
   */
  public boolean signedWith(String base64Key) {
    byte[] presented;
    try {
      presented = Base64.getDecoder().decode(signature);
    } catch (IllegalArgumentException e) {
      return false;
    }
    Mac mac;
    try {
      mac = mac(base64Key);
    } catch (IllegalStateException e) {
      return false; // a key that is not base64 (registered straight through the engine) signs nothing
    }
    if (signs(mac, presented, rawResource)) {
      return true;
    }
    String encoded = encode(decodedResource);
    if (!encoded.equals(rawResource) && signs(mac, presented, encoded)) {
      return true;
    }
    String encodedLower = encode(resource);
    if (!encodedLower.equals(rawResource) && !encodedLower.equals(encoded) && signs(mac, presented, encodedLower)) {
      return true;
    }
    return !decodedResource.equals(rawResource) && signs(mac, presented, decodedResource);
  }

  private boolean signs(Mac mac, byte[] presented, String sr) {
    return MessageDigest.isEqual(presented, mac.doFinal((sr + "\n" + rawExpiry).getBytes(StandardCharsets.UTF_8)));
  }

  private static Mac mac(String base64Key) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(Base64.getDecoder().decode(base64Key), HMAC));
      return mac;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      // The exception would not contain the key, but say nothing of it anyway.
      throw new IllegalStateException("cannot compute HMAC-SHA256 (is the key base64?)");
    }
  }

  private static String decode(String field, String value) {
    try {
      return URLDecoder.decode(value, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("SAS token field " + field + " is not URL-encoded");
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "SasToken{sr=" + resource + ", se=" + rawExpiry + ", skn=" + keyName + '}';
  }
}
