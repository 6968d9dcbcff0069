package io.github.iothubcommands.azure.internal;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An IoT Hub service connection string, checked before the SDK sees it, so that a mistake is reported by
 * the part that is wrong and never by echoing the string (it holds the shared access key).
 */
public final class ServiceConnectionString {
  /** What the SDK accepts in HostName: no port, no scheme. */
  private static final Pattern HOST = Pattern.compile("[a-zA-Z0-9_\\-.]+");

  private final String value;
  private final String hostName;
  private final String keyName;

  private ServiceConnectionString(String value, String hostName, String keyName) {
    this.value = value;
    this.hostName = hostName;
    this.keyName = keyName;
  }

  /**
   * Parses and checks a service connection string.
   *
   * @throws IllegalArgumentException naming the missing or malformed part, without the key
   */
  public static ServiceConnectionString parse(@Nullable String connectionString) {
    if (connectionString == null || connectionString.isBlank()) {
      throw new IllegalArgumentException("connectionString must not be empty");
    }
    Map<String, String> parts = new LinkedHashMap<>();
    for (String part : connectionString.split(";")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("connectionString must be a list of Name=value parts separated by ';', "
            + "but part " + (parts.size() + 1) + " has no name");
      }
      String name = part.substring(0, eq).trim();
      String canonical = canonical(name);
      if (canonical == null) {
        throw new IllegalArgumentException("connectionString has an unknown part '" + printable(name) + "'; a "
            + "service connection string has HostName, SharedAccessKeyName and SharedAccessKey (or "
            + "SharedAccessSignature)");
      }
      if (parts.put(canonical, part.substring(eq + 1).trim()) != null) {
        throw new IllegalArgumentException("connectionString has " + canonical + " twice");
      }
    }
    String host = parts.get("HostName");
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("connectionString is missing HostName (such as myhub.azure-devices.net)");
    }
    if (!HOST.matcher(host).matches()) {
      throw new IllegalArgumentException("connectionString's HostName must be a host name of letters, digits, "
          + "'-', '_' and '.' (no scheme, no port), but was '" + printable(host) + "'");
    }
    if (parts.containsKey("DeviceId")) {
      throw new IllegalArgumentException("connectionString is a device connection string (it has DeviceId): "
          + "the service side needs the hub's service or iothubowner policy connection string");
    }
    String keyName = parts.get("SharedAccessKeyName");
    if (keyName == null || keyName.isEmpty()) {
      throw new IllegalArgumentException("connectionString is missing SharedAccessKeyName (such as service)");
    }
    String key = parts.get("SharedAccessKey");
    String signature = parts.get("SharedAccessSignature");
    if ((key == null || key.isEmpty()) && (signature == null || signature.isEmpty())) {
      throw new IllegalArgumentException("connectionString is missing SharedAccessKey (or SharedAccessSignature)");
    }
    if (key != null && !key.isEmpty() && !isBase64(key)) {
      throw new IllegalArgumentException("connectionString's SharedAccessKey must be base64 (the key as the Azure "
          + "portal shows it); the value given is not (not shown: it is a secret)");
    }
    return new ServiceConnectionString(connectionString, host, keyName);
  }

  private static boolean isBase64(String key) {
    try {
      Base64.getDecoder().decode(key);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static @Nullable String canonical(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "hostname": return "HostName";
      case "sharedaccesskeyname": return "SharedAccessKeyName";
      case "sharedaccesskey": return "SharedAccessKey";
      case "sharedaccesssignature": return "SharedAccessSignature";
      case "deviceid": return "DeviceId";
      case "moduleid": return "DeviceId";
      case "gatewayhostname": return "GatewayHostName";
      default: return null;
    }
  }

  /** A name or host for an error message: at most 64 printable ASCII characters. */
  public static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < 64; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return s.length() > 64 ? b + "…" : b.toString();
  }

  /** The whole string, for the SDK only: it holds the key. */
  public String value() {
    return value;
  }

  public String hostName() {
    return hostName;
  }

  public String keyName() {
    return keyName;
  }

  /** Host and key name only. */
  @Override
  public String toString() {
    return "HostName=" + hostName + ";SharedAccessKeyName=" + keyName + ";SharedAccessKey=***";
  }
}
