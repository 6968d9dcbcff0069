package io.github.iothubcommands.emulator.internal.amqp;

import io.github.iothubcommands.testkit.engine.DeviceInfo;
import io.github.iothubcommands.testkit.engine.HubEngine;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Checks {@code SharedAccessSignature sr=…&sig=…&se=…[&skn=…]} tokens as IoT Hub does: HMAC-SHA256 of {@code
 * sr + "\n" + se} under the base64-decoded key. A token with {@code skn} names a shared access policy and the
 * hub; one without names {@code {host}/devices/{id}} and is signed with one of the device's keys.
 */
public final class SasTokenAuthority implements CbsAuthority {
  private static final String PREFIX = "SharedAccessSignature ";

  private final HubEngine engine;
  private final Map<String, String> policyKeys;
  private final Set<String> hostNames;

  /**
   * Creates the authority.
   *
   * @param engine the device registry and the clock
   * @param policyKeys shared access policy name to its base64 key
   * @param hostNames host names tokens may name (the hub's, {@code localhost}, {@code 127.0.0.1}), any case
   */
  public SasTokenAuthority(HubEngine engine, Map<String, String> policyKeys, Set<String> hostNames) {
    this.engine = engine;
    this.policyKeys = Map.copyOf(policyKeys);
    this.hostNames = hostNames.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public CbsGrant check(@Nullable String audience, String token) {
    if (!token.startsWith(PREFIX)) {
      return new CbsGrant.Refused("not a SharedAccessSignature");
    }
    Map<String, String> fields = new HashMap<>();
    for (String pair : token.substring(PREFIX.length()).trim().split("&")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        return new CbsGrant.Refused("malformed token field");
      }
      fields.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    String sr = fields.get("sr");
    String sig = fields.get("sig");
    String se = fields.get("se");
    if (sr == null || sig == null || se == null) {
      return new CbsGrant.Refused("token lacks sr, sig or se");
    }
    Instant expiry;
    try {
      expiry = Instant.ofEpochSecond(Long.parseLong(se));
    } catch (NumberFormatException e) {
      return new CbsGrant.Refused("se is not a number");
    }
    if (!expiry.isAfter(engine.time().now())) {
      return new CbsGrant.Refused("token expired");
    }
    String resource = URLDecoder.decode(sr, StandardCharsets.UTF_8);
    String skn = fields.get("skn");
    List<String> keys = new ArrayList<>();
    CbsGrant grant;
    if (skn != null) {
      String policy = URLDecoder.decode(skn, StandardCharsets.UTF_8);
      if (!hostNames.contains(stripSlash(resource.toLowerCase(Locale.ROOT)))) {
        return new CbsGrant.Refused("token resource is not this hub");
      }
      Optional.ofNullable(policyKeys.get(policy)).ifPresent(keys::add);
      grant = new CbsGrant.Service(expiry);
    } else {
      int at = resource.toLowerCase(Locale.ROOT).indexOf("/devices/");
      if (at <= 0 || !hostNames.contains(resource.substring(0, at).toLowerCase(Locale.ROOT))) {
        return new CbsGrant.Refused("token resource is not a device of this hub");
      }
      String deviceId = resource.substring(at + "/devices/".length());
      if (deviceId.isEmpty() || deviceId.contains("/")) {
        return new CbsGrant.Refused("token resource is not a device");
      }
      Optional<DeviceInfo> device = engine.device(deviceId);
      device.map(DeviceInfo::primaryKey).ifPresent(keys::add);
      device.map(DeviceInfo::secondaryKey).ifPresent(keys::add);
      grant = new CbsGrant.Device(deviceId, expiry);
    }
    if (keys.isEmpty()) {
      return new CbsGrant.Refused(skn != null ? "unknown shared access policy" : "unknown device");
    }
    byte[] presented;
    try {
      presented = Base64.getDecoder().decode(URLDecoder.decode(sig, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return new CbsGrant.Refused("sig is not base64");
    }
    // Clients differ in how they encode sr: accept the form in the token and the canonical one.
    String canonical = URLEncoder.encode(resource, StandardCharsets.UTF_8);
    for (String key : keys) {
      if (signs(key, sr + "\n" + se, presented) || signs(key, canonical + "\n" + se, presented)) {
        return grant;
      }
    }
    return new CbsGrant.Refused("signature mismatch");
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  private static boolean signs(String base64Key, String toSign, byte[] presented) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Base64.getDecoder().decode(base64Key), "HmacSHA256"));
      return MessageDigest.isEqual(mac.doFinal(toSign.getBytes(StandardCharsets.UTF_8)), presented);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }
}
