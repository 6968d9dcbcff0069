package io.github.iothubcommands.azure.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubDeviceMaximumQueueDepthExceededException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubUnauthorizedException;
import io.github.iothubcommands.HubError;
import io.github.iothubcommands.HubException;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class AzureErrorsTest {

  @Test
  void theHubsErrorCodeDecidesOverHttps() {
    HubException e = AzureErrors.toHubException(new IotHubException(404103, "device offline"), "d1", "c1",
        "direct method reboot");
    assertThat(e.error()).isEqualTo(HubError.DEVICE_NOT_ONLINE);
    assertThat(e.errorCode()).isEqualTo(404103);
    assertThat(e.deviceId()).contains("d1");
    assertThat(e.commandId()).contains("c1");
    assertThat(AzureErrors.toHubException(new IotHubException(429002, "slow down"), "d1", null, "x")
        .errorCode()).isEqualTo(429002);
    assertThat(AzureErrors.toHubException(new IotHubException(429002, "slow down"), "d1", null, "x")
        .error()).isEqualTo(HubError.THROTTLED);
  }

  @Test
  void theExceptionClassDecidesOverAmqpWhereTheCodeIsZero() {
    assertThat(AzureErrors.toHubException(new IotHubDeviceMaximumQueueDepthExceededException("full"), "d1", "c1",
        "send").error()).isEqualTo(HubError.QUEUE_DEPTH_EXCEEDED);
    assertThat(AzureErrors.toHubException(new IotHubNotFoundException("no such device"), "d1", "c1", "send").error())
        .isEqualTo(HubError.DEVICE_NOT_FOUND);
    assertThat(AzureErrors.toHubException(new IotHubUnauthorizedException("no"), "d1", "c1", "send").error())
        .isEqualTo(HubError.UNAUTHORIZED);
    assertThat(AzureErrors.toHubException(new IotHubException("?"), "d1", "c1", "send").error())
        .isEqualTo(HubError.UNKNOWN);
  }

  @Test
  void aSendTheClosingSdkClientFailedIsAConnectionFailure() {
    assertThat(AzureErrors.toHubException(new IotHubException("Failed to send the message because the client was "
        + "closed while it was still queued"), "d1", "c1", "send").error()).isEqualTo(HubError.CONNECTION_FAILED);
  }

  @Test
  void networkFailuresAreConnectionFailures() {
    assertThat(AzureErrors.toHubException(new CompletionException(new IOException("reset")), "d1", null, "x").error())
        .isEqualTo(HubError.CONNECTION_FAILED);
  }

  @Test
  void noSignatureSurvivesInTheMessageOrTheCause() {
    String token = "SharedAccessSignature sr=myhub.azure-devices.net&sig=c2VjcmV0%3D&se=1700000000&skn=service";
    HubException e = AzureErrors.toHubException(new IotHubUnauthorizedException("token " + token + " refused"),
        "d1", null, "send");
    assertThat(e.getMessage()).doesNotContain("c2VjcmV0");
    assertThat(e.getCause().getMessage()).doesNotContain("c2VjcmV0");
    assertThat(Secrets.redact("HostName=h;SharedAccessKeyName=s;SharedAccessKey=abc=")).doesNotContain("abc");
  }

  @Test
  void noSignatureSurvivesAnywhereInTheCauseChainOrSuppressedExceptions() {
    String token = "SharedAccessSignature sr=myhub.azure-devices.net&sig=c2VjcmV0%3D&se=1700000000&skn=service";
    IOException deep = new IOException("handshake with token " + token + " failed");
    deep.addSuppressed(new IllegalStateException("retry with key HostName=h;SharedAccessKey=a2V5a2V5 failed"));
    Exception wrapper = new java.util.concurrent.ExecutionException("send failed", new RuntimeException(deep));

    HubException e = AzureErrors.toHubException(wrapper, "d1", null, "send");

    java.io.StringWriter trace = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(trace));
    assertThat(trace.toString()).doesNotContain("c2VjcmV0").doesNotContain("a2V5a2V5")
        .contains("java.io.IOException: handshake with token SharedAccessSignature ***")
        .contains("java.lang.IllegalStateException");
    assertThat(e.getCause().getStackTrace()).isEqualTo(wrapper.getStackTrace());
  }

  @Test
  void aCleanCauseChainIsAttachedAsItIs() {
    IOException deep = new IOException("connection reset");
    RuntimeException wrapper = new RuntimeException("send failed", deep);
    assertThat(AzureErrors.toHubException(wrapper, "d1", null, "send").getCause()).isSameAs(wrapper);
  }

  @Test
  void theHubsErrorBodyIsReducedToItsMessageAndTrackingId() {
    String inner = "{\"errorCode\":404103,\"trackingId\":\"abc-123\",\"message\":\"Timed out waiting for device to "
        + "connect.\",\"timestampUtc\":\"2026-12-02T00:00:00Z\"}";
    assertThat(AzureErrors.hubMessage(inner)).isEqualTo("Timed out waiting for device to connect. (trackingId abc-123)");
    String wrapped = "{\"Message\":" + new com.google.gson.JsonPrimitive(inner) + ",\"ExceptionMessage\":\"\"}";
    assertThat(AzureErrors.hubMessage(wrapped)).isEqualTo("Timed out waiting for device to connect. (trackingId abc-123)");
    assertThat(AzureErrors.hubMessage("plain text")).isEqualTo("plain text");
    assertThat(AzureErrors.hubMessage("{not json")).isEqualTo("{not json");
    HubException e = AzureErrors.toHubException(new IotHubException(404103, inner), "d1", null, "direct method x");
    assertThat(e.getMessage()).isEqualTo("DEVICE_NOT_ONLINE (404103): direct method x for device d1 failed: "
        + "IotHubException: Timed out waiting for device to connect. (trackingId abc-123)");
  }
}
