package io.github.iothubcommands.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubInternalServerErrorException;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import io.github.iothubcommands.engine.DeviceSession;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How the HTTPS front door reads requests: paths, method overrides, malformed input. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServiceHttpsRequestTest {
  static IotHubEmulator hub;

  @BeforeAll
  static void start() {
    hub = IotHubEmulator.builder().bindAnyFreeLoopbackAddress().devices("d1").httpsPort(0).mqttPort(0).start();
    HttpsURLConnection.setDefaultSSLSocketFactory(hub.sslContext().getSocketFactory());
  }

  @AfterAll
  static void stop() {
    if (hub != null) {
      hub.close();
    }
  }

  @Test
  void deviceIdWithPlusAndPercentRoundTripsThroughTheRegistryAndTakesADirectMethod() throws Exception {
    String id = "dev+1%x";
    RegistryClient registry = new RegistryClient(hub.httpsHost(), new AzureSasCredential(hub.serviceSasToken()));
    Device created = registry.addDevice(new Device(id));
    assertThat(created.getDeviceId()).isEqualTo(id);
    assertThat(hub.engine().device(id)).isPresent();
    assertThat(registry.getDevice(id).getPrimaryKey()).isEqualTo(created.getPrimaryKey());

    // AMQPS: the device SDK's MQTT client refuses a '+' in its topic filters.
    DeviceClient device = new DeviceClient(hub.deviceConnectionString(id), IotHubClientProtocol.AMQPS,
        ClientOptions.builder().sslContext(hub.sslContext()).build());
    try {
      device.open(false);
      device.subscribeToMethods((name, payload, ctx) -> new DirectMethodResponse(200, name), null);
      DirectMethodsClient methods = new DirectMethodsClient(hub.httpsHost(),
          new AzureSasCredential(hub.serviceSasToken()));
      var response = methods.invoke(id, "ping", DirectMethodRequestOptions.builder()
          .methodResponseTimeoutSeconds(10).build());
      assertThat(response.getStatus()).isEqualTo(200);
      assertThat(response.getPayload(String.class)).isEqualTo("ping");
    } finally {
      device.close();
    }

    registry.removeDevice(id);
    assertThat(hub.engine().device(id)).isEmpty();
  }

  @Test
  void percentSignWithoutHexDigitsIsLiteralButEscapesThatAreNotUtf8Get400() throws IOException {
    assertThat(statusLine("GET /devices/%?api-version=2021-04-12")).startsWith("HTTP/1.1 404");
    assertThat(statusLine("GET /devices/d1%zz?api-version=2021-04-12")).startsWith("HTTP/1.1 404");
    assertThat(statusLine("GET /devices/%64%31?api-version=2021-04-12")).startsWith("HTTP/1.1 200");
    assertThat(statusLine("GET /devices/%FF?api-version=2021-04-12")).startsWith("HTTP/1.1 400");
  }

  @Test
  void malformedMethodOverrideIsAnsweredWith400() throws IOException {
    assertThat(statusLine("POST /devices/d1?api-version=2021-04-12", "X-HTTP-Method-Override: NOT A METHOD"))
        .startsWith("HTTP/1.1 400");
  }

  @Test
  void creatingADeviceWhoseIdBreaksIotHubsRuleIsA400() throws IOException {
    assertThat(statusLine("PUT /devices/has%20space?api-version=2021-04-12")).startsWith("HTTP/1.1 400");
    assertThat(statusLine("PUT /devices/" + "x".repeat(129) + "?api-version=2021-04-12")).startsWith("HTTP/1.1 400");
    assertThat(statusLine("PUT /devices/caf%C3%A9?api-version=2021-04-12")).startsWith("HTTP/1.1 400");
    assertThat(hub.engine().devices()).extracting(d -> d.deviceId()).containsExactly("d1");
    assertThat(statusLine("PUT /devices/ok-1?api-version=2021-04-12")).startsWith("HTTP/1.1 200");
    hub.engine().removeDevice("ok-1");
  }

  @Test
  void methodReplyTheHttpsAnswerCannotCarryIsA500NotASilence() throws Exception {
    DeviceSession session = MethodDevice.connect(hub.engine(), "d1",
        (s, request) -> s.respond(request.requestId(), 200, "{not json")); // breaks the engine's contract
    try {
      DirectMethodsClient methods = new DirectMethodsClient(hub.httpsHost(),
          new AzureSasCredential(hub.serviceSasToken()));
      CompletableFuture<Object> call = CompletableFuture.supplyAsync(() -> {
        try {
          return methods.invoke("d1", "ping", DirectMethodRequestOptions.builder()
              .methodResponseTimeoutSeconds(10).build());
        } catch (Exception e) {
          return e;
        }
      });
      assertThat(call.get(15, TimeUnit.SECONDS)).isInstanceOfSatisfying(IotHubInternalServerErrorException.class,
          e -> assertThat(e.getMessage()).contains("internal error").doesNotContain("not json"));
    } finally {
      session.close();
    }
  }

  /** Sends one request over a plain TLS socket and returns the response's status line, or null if none came. */
  static @Nullable String statusLine(String requestLine, String... headers) throws IOException {
    return RawHttps.exchange(hub, RawHttps.request(hub, requestLine, "", headers)).statusLine();
  }
}
