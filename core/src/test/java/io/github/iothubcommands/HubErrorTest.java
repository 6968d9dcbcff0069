package io.github.iothubcommands;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HubErrorTest {

  @Test
  void resolvesSixDigitCodesThenHttpStatus() {
    assertThat(HubError.fromCode(404103)).isEqualTo(HubError.DEVICE_NOT_ONLINE);
    assertThat(HubError.fromCode(404001)).isEqualTo(HubError.DEVICE_NOT_FOUND);
    assertThat(HubError.fromCode(403004)).isEqualTo(HubError.QUEUE_DEPTH_EXCEEDED);
    assertThat(HubError.fromCode(504101)).isEqualTo(HubError.GATEWAY_TIMEOUT);
    assertThat(HubError.fromCode(429002)).isEqualTo(HubError.THROTTLED);
    assertThat(HubError.fromCode(404)).isEqualTo(HubError.DEVICE_NOT_FOUND);
    assertThat(HubError.fromCode(418)).isEqualTo(HubError.UNKNOWN);
    assertThat(HubError.fromCode(503)).isEqualTo(HubError.SERVER_BUSY);
    assertThat(HubError.fromCode(0)).isEqualTo(HubError.UNKNOWN);
  }
}
