package io.github.iothubcommands.emulator.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubcommands.emulator.internal.DeviceRegistry;
import io.github.iothubcommands.spi.TimeSource;
import io.github.iothubcommands.engine.HubEngine;
import io.github.iothubcommands.engine.HubLimits;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SasVerifierTest {
  static final String POLICY_KEY = DeviceRegistry.newKey();
  static final String PRIMARY = DeviceRegistry.newKey();
  static final String SECONDARY = DeviceRegistry.newKey();

  final HubEngine engine = new HubEngine(HubLimits.DEFAULTS, TimeSource.system());
  final SasVerifier verifier = new SasVerifier(engine, Set.of("localhost", "127.0.0.1"),
      Map.of("iothubowner", POLICY_KEY));

  {
    engine.registerDevice("d1", PRIMARY, SECONDARY);
  }

  @AfterEach
  void close() {
    engine.close();
  }

  static long inAnHour() {
    return Instant.now().plusSeconds(3600).getEpochSecond();
  }

  /** The device SDK's form: sr not URL-encoded, signature over the raw sr. */
  static String deviceToken(String resource, String key, long expiry) {
    String signed = SasToken.build(resource, key, expiry, null);
    String sig = signed.substring(signed.indexOf("sig="), signed.indexOf("&se="));
    return "SharedAccessSignature " + sig + "&se=" + expiry + "&sr=" + resource;
  }

  @Test
  void serviceTokenSignedWithThePolicyKeyIsAccepted() {
    assertThat(verifier.checkService(SasToken.build("localhost", POLICY_KEY, inAnHour(), "iothubowner")).ok()).isTrue();
  }

  @Test
  void serviceTokenForLocalhostWithPortIsAccepted() {
    assertThat(verifier.checkService(SasToken.build("localhost:8443", POLICY_KEY, inAnHour(), "iothubowner")).ok())
        .isTrue();
  }

  @Test
  void serviceTokenWithWrongKeyIsRefusedWithoutRevealingTheSignature() {
    String token = SasToken.build("localhost", DeviceRegistry.newKey(), inAnHour(), "iothubowner");
    SasVerifier.Result r = verifier.checkService(token);
    assertThat(r.ok()).isFalse();
    assertThat(r.reason()).contains("signature does not match").doesNotContain("sig=");
  }

  @Test
  void expiredServiceTokenIsRefused() {
    long past = Instant.now().minusSeconds(1).getEpochSecond();
    assertThat(verifier.checkService(SasToken.build("localhost", POLICY_KEY, past, "iothubowner")).reason())
        .contains("expired");
  }

  @Test
  void serviceTokenForAnotherHubOrPolicyOrWithoutPolicyIsRefused() {
    assertThat(verifier.checkService(SasToken.build("other.azure-devices.net", POLICY_KEY, inAnHour(), "iothubowner"))
        .reason()).contains("is not this hub");
    assertThat(verifier.checkService(SasToken.build("localhost", POLICY_KEY, inAnHour(), "device")).reason())
        .contains("unknown shared access policy device");
    assertThat(verifier.checkService(SasToken.build("localhost", POLICY_KEY, inAnHour(), null)).reason())
        .contains("names no policy");
    assertThat(verifier.checkService("Bearer abc").ok()).isFalse();
    assertThat(verifier.checkService((String) null).ok()).isFalse();
  }

  @Test
  void deviceTokenAsTheDeviceSdkWritesItIsAcceptedWithEitherKey() {
    assertThat(verifier.checkDevice("d1", "127.0.0.1", deviceToken("127.0.0.1/devices/d1", PRIMARY, inAnHour())).ok())
        .isTrue();
    assertThat(verifier.checkDevice("d1", "127.0.0.1", deviceToken("127.0.0.1/devices/d1", SECONDARY, inAnHour())).ok())
        .isTrue();
    String encoded = SasToken.build("127.0.0.1/devices/d1", PRIMARY, inAnHour(), null); // sr URL-encoded
    assertThat(verifier.checkDevice("d1", "127.0.0.1", encoded).ok()).isTrue();
  }

  @Test
  void deviceTokenWithWrongKeyExpiredForAnotherDeviceOrDisabledIsRefused() {
    assertThat(verifier.checkDevice("d1", "127.0.0.1",
        deviceToken("127.0.0.1/devices/d1", DeviceRegistry.newKey(), inAnHour())).reason())
        .contains("does not match a key of device d1");
    assertThat(verifier.checkDevice("d1", "127.0.0.1",
        deviceToken("127.0.0.1/devices/d1", PRIMARY, Instant.now().minusSeconds(5).getEpochSecond())).reason())
        .contains("expired");
    assertThat(verifier.checkDevice("d1", "127.0.0.1", deviceToken("127.0.0.1/devices/d2", PRIMARY, inAnHour()))
        .reason()).contains("is not {host}/devices/d1");
    assertThat(verifier.checkDevice("d1", "example.com", deviceToken("example.com/devices/d1", PRIMARY, inAnHour()))
        .reason()).contains("is not this hub");
    assertThat(verifier.checkDevice("nobody", "127.0.0.1",
        deviceToken("127.0.0.1/devices/nobody", PRIMARY, inAnHour())).reason()).contains("not registered");
    engine.setDeviceEnabled("d1", false);
    assertThat(verifier.checkDevice("d1", "127.0.0.1", deviceToken("127.0.0.1/devices/d1", PRIMARY, inAnHour()))
        .reason()).contains("disabled");
  }

  @Test
  void tokenWhoseFieldsAreNotUrlEncodedIsRefusedNotThrown() {
    String badResource = "SharedAccessSignature sr=localhost%zz&sig=abc&se=" + inAnHour() + "&skn=iothubowner";
    assertThat(verifier.checkService(badResource).reason()).contains("field sr is not URL-encoded");
    String badDevice = "SharedAccessSignature sr=127.0.0.1/devices/d1%&sig=abc&se=" + inAnHour();
    assertThat(verifier.checkDevice("d1", "127.0.0.1", badDevice).reason()).contains("field sr is not URL-encoded");
    String badSignature = "SharedAccessSignature sr=localhost&sig=%G1&se=" + inAnHour() + "&skn=iothubowner";
    assertThat(verifier.checkService(badSignature).ok()).isFalse();
  }

  @Test
  void parsedTokenIsCheckedLikeItsText() {
    String service = SasToken.build("localhost", POLICY_KEY, inAnHour(), "iothubowner");
    assertThat(verifier.checkService(SasToken.parse(service)).ok()).isTrue();
    String device = deviceToken("127.0.0.1/devices/d1", SECONDARY, inAnHour());
    assertThat(verifier.checkDevice("d1", "127.0.0.1", SasToken.parse(device)).ok()).isTrue();
    assertThat(verifier.checkDevice("d1", "example.com", SasToken.parse(device)).reason()).contains("is not this hub");
    String upperCase = SasToken.build("127.0.0.1/devices/D1", PRIMARY, inAnHour(), null).replace("%2Fd1", "%2FD1");
    assertThat(SasToken.parse(upperCase).signedWith(PRIMARY)).as("signed over the lower-cased form").isTrue();
  }

  @Test
  void tokenToStringHidesTheSignature() {
    String token = SasToken.build("localhost", POLICY_KEY, inAnHour(), "iothubowner");
    String sig = token.substring(token.indexOf("sig=") + 4, token.indexOf("&se="));
    assertThat(SasToken.parse(token).toString()).doesNotContain(sig).contains("localhost");
  }
}
