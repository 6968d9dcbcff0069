package io.github.iothubcommands.emulator.internal.auth;

import io.github.iothubcommands.engine.DeviceInfo;
import io.github.iothubcommands.engine.HubEngine;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies shared access signatures for real: HMAC-SHA256, resource and expiry, against the hub's policy
 * keys (service side) and each device's keys in the engine's registry (device side). Expiry is judged on
 * the engine's clock. Failure reasons never contain a signature or key.
 */
public final class SasVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(SasVerifier.class);

  /**
   * The outcome of a check.
   *
   * @param ok whether the token was accepted
   * @param reason why not, never containing the token; {@code ok} if it was
   * @param credential for an accepted device token, the identity it was checked against; else {@code null}
   */
  public record Result(boolean ok, String reason, @Nullable DeviceCredential credential) {
    static final Result OK = new Result(true, "ok", null);

    /**
     * A refusal.
     *
     * @param ok {@code false}
     * @param reason why
     */
    public Result(boolean ok, String reason) {
      this(ok, reason, null);
    }

    static Result fail(String reason) {
      return new Result(false, reason);
    }
  }

  private final HubEngine engine;
  private final Set<String> hostNames;
  private final Map<String, String> policyKeys;

  /**
   * Creates a verifier.
   *
   * @param engine the registry and clock
   * @param hostNames host names (lower case, no port) a token's resource may name
   * @param policyKeys shared access policy name to base64 key
   */
  public SasVerifier(HubEngine engine, Set<String> hostNames, Map<String, String> policyKeys) {
    this.engine = engine;
    this.hostNames = Set.copyOf(hostNames);
    this.policyKeys = Map.copyOf(policyKeys);
  }

  /**
   * Whether {@code host} (case-insensitive, an optional {@code :port} ignored) names this hub.
   *
   * @param host a host name
   * @return {@code true} if it is one of the hub's host names
   */
  public boolean isHubHost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    int colon = h.lastIndexOf(':');
    return hostNames.contains(h) || (colon > 0 && hostNames.contains(h.substring(0, colon)));
  }

  /**
   * Checks a service request's {@code Authorization} header.
   *
   * @param header the header value, or {@code null}
   * @return the outcome
   */
  public Result checkService(@Nullable String header) {
    return guarded(() -> checkServiceHeader(header));
  }

  private Result checkServiceHeader(@Nullable String header) {
    if (header == null) {
      return Result.fail("no Authorization header");
    }
    SasToken token;
    try {
      token = SasToken.parse(header);
    } catch (IllegalArgumentException e) {
      return Result.fail(e.getMessage());
    }
    return checkServiceToken(token);
  }

  /**
   * Checks a parsed service token.
   *
   * @param token the token
   * @return the outcome
   */
  public Result checkService(SasToken token) {
    return guarded(() -> checkServiceToken(token));
  }

  private Result checkServiceToken(SasToken token) {
    if (!isHubHost(token.resource())) {
      return Result.fail("SAS resource " + token.resource() + " is not this hub");
    }
    Result expiry = checkExpiry(token);
    if (!expiry.ok()) {
      return expiry;
    }
    String policy = token.keyName();
    if (policy == null) {
      return Result.fail("SAS token names no policy (skn)");
    }
    String key = policyKeys.get(policy);
    if (key == null) {
      return Result.fail("unknown shared access policy " + policy);
    }
    return token.signedWith(key) ? Result.OK : Result.fail("SAS signature does not match policy " + policy);
  }

  /**
   * Checks a device's SAS token for {@code {host}/devices/{deviceId}}.
   *
   * @param deviceId the device that connects
   * @param host the host name the device names (MQTT user name, AMQP CBS audience)
   * @param password the SAS token, or {@code null}
   * @return the outcome
   */
  public Result checkDevice(String deviceId, String host, @Nullable String password) {
    return guarded(() -> checkDevicePassword(deviceId, host, password));
  }

  private Result checkDevicePassword(String deviceId, String host, @Nullable String password) {
    if (!isHubHost(host)) {
      return hostRefused(host);
    }
    SasToken token;
    try {
      token = SasToken.parse(password);
    } catch (IllegalArgumentException e) {
      return Result.fail(e.getMessage());
    }
    return checkDeviceToken(deviceId, token);
  }

  /**
   * Checks a device's parsed SAS token for {@code {host}/devices/{deviceId}}.
   *
   * @param deviceId the device that connects
   * @param host the host name the device names (MQTT user name, AMQP CBS audience)
   * @param token the token
   * @return the outcome
   */
  public Result checkDevice(String deviceId, String host, SasToken token) {
    return guarded(() -> isHubHost(host) ? checkDeviceToken(deviceId, token) : hostRefused(host));
  }

  /**
   * Runs a check so that it always answers: whatever goes wrong inside it (a key that cannot be used, a bug)
   * is a refusal, logged without the token, never an exception that leaves the client waiting.
   */
  private static Result guarded(Supplier<Result> check) {
    try {
      return check.get();
    } catch (RuntimeException e) {
      LOG.warn("SAS check failed: {}", e.getClass().getName());
      return Result.fail("the token could not be checked");
    }
  }

  private static Result hostRefused(String host) {
    return Result.fail("host " + host + " is not this hub");
  }

  private Result checkDeviceToken(String deviceId, SasToken token) {
    String resource = token.resource();
    String suffix = "/devices/" + deviceId.toLowerCase(Locale.ROOT);
    String r = resource.endsWith("/") ? resource.substring(0, resource.length() - 1) : resource;
    if (!r.endsWith(suffix) || !isHubHost(r.substring(0, r.length() - suffix.length()))) {
      return Result.fail("SAS resource " + resource + " is not {host}" + suffix);
    }
    Result expiry = checkExpiry(token);
    if (!expiry.ok()) {
      return expiry;
    }
    Optional<DeviceInfo> device = engine.device(deviceId);
    if (device.isEmpty()) {
      return Result.fail("device " + deviceId + " is not registered");
    }
    if (!device.get().enabled()) {
      return Result.fail("device " + deviceId + " is disabled");
    }
    for (String key : new String[] {device.get().primaryKey(), device.get().secondaryKey()}) {
      if (key != null && token.signedWith(key)) {
        return new Result(true, "ok", new DeviceCredential(deviceId, device.get().generationId(), key));
      }
    }
    return Result.fail("SAS signature does not match a key of device " + deviceId);
  }

  private Result checkExpiry(SasToken token) {
    return token.expiryEpochSeconds() > engine.time().now().getEpochSecond() ? Result.OK
        : Result.fail("SAS token expired at " + Instant.ofEpochSecond(token.expiryEpochSeconds()));
  }
}
