package io.github.iothubcommands.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.service.ProxyOptions;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bad settings are refused at once, by name, and no secret ever shows. */
class AzureHubTransportBuilderTest {
  private static final String KEY = "c2VjcmV0LWtleS1vZi10aGUtaHViLXBvbGljeQ==";
  private static final String GOOD = "HostName=myhub.azure-devices.net;SharedAccessKeyName=service;SharedAccessKey="
      + KEY;

  @Test
  void aMalformedConnectionStringNamesThePartNeverTheKey() {
    assertThatThrownBy(() -> AzureHubTransport.fromConnectionString("SharedAccessKeyName=service;SharedAccessKey="
        + KEY)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing HostName")
        .hasMessageNotContaining(KEY);
    assertThatThrownBy(() -> AzureHubTransport.fromConnectionString("HostName=myhub.azure-devices.net;SharedAccessKey="
        + KEY)).hasMessageContaining("missing SharedAccessKeyName").hasMessageNotContaining(KEY);
    assertThatThrownBy(() -> AzureHubTransport.fromConnectionString(
        "HostName=myhub.azure-devices.net;SharedAccessKeyName=service"))
        .hasMessageContaining("missing SharedAccessKey");
    assertThatThrownBy(() -> AzureHubTransport.fromConnectionString(
        "HostName=myhub.azure-devices.net;SharedAccessKeyName=service;SharedAccessKey=not*base64!"))
        .hasMessageContaining("SharedAccessKey must be base64").hasMessageNotContaining("not*base64!");
    assertThatThrownBy(() -> AzureHubTransport.fromConnectionString(
        "HostName=https://myhub.azure-devices.net:443;SharedAccessKeyName=service;SharedAccessKey=" + KEY))
        .hasMessageContaining("HostName must be a host name").hasMessageNotContaining(KEY);
    assertThatThrownBy(() -> AzureHubTransport.fromConnectionString(GOOD + ";DeviceId=d1"))
        .hasMessageContaining("device connection string");
    assertThatThrownBy(() -> AzureHubTransport.fromConnectionString(GOOD + ";Colour=blue"))
        .hasMessageContaining("unknown part 'Colour'").hasMessageNotContaining(KEY);
    assertThatThrownBy(() -> AzureHubTransport.fromConnectionString(GOOD + ";garbage"))
        .hasMessageContaining("has no name").hasMessageNotContaining(KEY);
    assertThatThrownBy(() -> AzureHubTransport.fromConnectionString(""))
        .hasMessageContaining("connectionString must not be empty");
  }

  @Test
  void aMalformedHostNameIsRefusedByName() {
    assertThatThrownBy(() -> AzureHubTransport.builder().credential("my hub", new AzureSasCredential("sig")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("hostName must be a host name");
  }

  @Test
  void conflictingOrMissingSettingsFailAtBuild() {
    assertThatThrownBy(() -> AzureHubTransport.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("a credential must be set");
    assertThatThrownBy(() -> AzureHubTransport.builder().connectionString(GOOD)
        .credential("myhub.azure-devices.net", new AzureSasCredential("SharedAccessSignature sr=x&sig=y&se=1"))
        .build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("exactly one of connectionString");
    ProxyOptions proxy = new ProxyOptions(new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", 3128)));
    assertThatThrownBy(() -> AzureHubTransport.builder().connectionString(GOOD).proxyOptions(proxy).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("proxyOptions needs protocol AMQPS_WS");
  }

  @Test
  void rangesAreCheckedByName() {
    assertThatThrownBy(() -> AzureHubTransport.builder().methodConcurrency(0))
        .hasMessage("methodConcurrency must be between 1 and 1024, but was 0");
    assertThatThrownBy(() -> AzureHubTransport.builder().sendTimeout(Duration.ZERO))
        .hasMessageStartingWith("sendTimeout must be between");
  }

  @Test
  void toStringShowsHostAndProtocolOnly() {
    try (AzureHubTransport t = AzureHubTransport.builder().connectionString(GOOD)
        .protocol(IotHubServiceClientProtocol.AMQPS_WS).build()) {
      assertThat(t.toString()).isEqualTo("AzureHubTransport{host=myhub.azure-devices.net, protocol=AMQPS_WS}")
          .doesNotContain(KEY);
    }
  }
}
