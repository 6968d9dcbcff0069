package io.github.iothubcommands.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubBadFormatException;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTPS front door checks a direct method request with core's rules before the engine sees it: a
 * refused field is a 400 with IoT Hub's error body (errorCode 400004), never a value coerced into another.
 * Device d1 is registered but offline, so a request that got through would be a 404 (404103) instead.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ServiceInputValidationTest {
  static IotHubEmulator hub;
  static DirectMethodsClient methods;

  @BeforeAll
  static void start() {
    hub = IotHubEmulator.builder().bindAnyFreeLoopbackAddress().devices("d1").httpsPort(0).mqttPort(0).amqpPort(0).start();
    HttpsURLConnection.setDefaultSSLSocketFactory(hub.sslContext().getSocketFactory());
    methods = new DirectMethodsClient(hub.httpsHost(), new AzureSasCredential(hub.serviceSasToken()));
  }

  @AfterAll
  static void stop() {
    if (hub != null) {
      hub.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"a#b", "a+b", "a/b", "a?b", "a\u0000b", "comp*"})
  void methodNameBreakingCoresRuleIsRefusedWith400BeforeItReachesATopic(String name) {
    Throwable thrown = catchThrowable(() -> methods.invoke("d1", name,
        DirectMethodRequestOptions.builder().methodResponseTimeoutSeconds(5).build()));
    assertThat(thrown).isInstanceOfSatisfying(IotHubBadFormatException.class,
        e -> assertThat(e.getErrorCode()).isEqualTo(400004));
  }

  /** The SDK refuses these itself ({@code MethodParser}), so they go as raw requests. */
  @ParameterizedTest
  @ValueSource(ints = {129, 70_000})
  void methodNameLongerThanTheRuleIsRefusedWith400(int length) throws Exception {
    RawHttps.Response r = post("{\"methodName\":\"" + "m".repeat(length) + "\",\"responseTimeoutInSeconds\":5}");
    assertThat(r.status()).as(r.statusLine()).isEqualTo(400);
    assertThat(r.body()).contains("400004").contains("at most 128 characters");
  }

  @Test
  void methodNameWithWhitespaceIsRefusedWith400() throws Exception {
    RawHttps.Response r = post("{\"methodName\":\"two words\"}");
    assertThat(r.status()).as(r.statusLine()).isEqualTo(400);
    assertThat(r.body()).contains("400004");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"methodName\":123}",
      "{\"methodName\":[\"reboot\"]}",
      "{\"methodName\":\"reboot\",\"responseTimeoutInSeconds\":\"abc\"}",
      "{\"methodName\":\"reboot\",\"responseTimeoutInSeconds\":5.9}",
      "{\"methodName\":\"reboot\",\"responseTimeoutInSeconds\":99999999999999999999999}",
      "{\"methodName\":\"reboot\",\"connectTimeoutInSeconds\":\"10\"}",
      "[\"reboot\"]"})
  void fieldOfTheWrongJsonTypeIsRefusedWith400NotCoerced(String body) throws Exception {
    RawHttps.Response r = post(body);
    assertThat(r.status()).as(r.text()).isEqualTo(400);
    assertThat(r.body()).contains("400004");
  }

  @ParameterizedTest
  @ValueSource(strings = {"4294967306", "4", "301"})
  void wholeNumberOutsideTheHubsRangeIsRefusedWith400NotWrapped(String seconds) throws Exception {
    RawHttps.Response r = post("{\"methodName\":\"reboot\",\"responseTimeoutInSeconds\":" + seconds + "}");
    assertThat(r.status()).as(r.text()).isEqualTo(400);
    assertThat(r.body()).contains("400000").contains("but was " + seconds);
  }

  private static RawHttps.Response post(String body) throws Exception {
    return RawHttps.exchange(hub, RawHttps.request(hub, "POST /twins/d1/methods?api-version=2021-04-12", body,
        "Content-Type: application/json"));
  }
}
