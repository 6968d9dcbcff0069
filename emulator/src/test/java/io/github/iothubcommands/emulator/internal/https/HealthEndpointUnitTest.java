package io.github.iothubcommands.emulator.internal.https;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubcommands.emulator.internal.FrontDoors;
import io.github.iothubcommands.emulator.internal.ProtocolServer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The health answer for each combination of door states, without sockets. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HealthEndpointUnitTest {

  static final class Door implements ProtocolServer {
    final String name;
    final int port;
    boolean serving = true;

    Door(String name, int port) {
      this.name = name;
      this.port = port;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public InetSocketAddress localAddress() {
      return new InetSocketAddress("127.0.0.1", port);
    }

    @Override
    public boolean serving() {
      return serving;
    }

    @Override
    public void close() {
      serving = false;
    }
  }

  static FrontDoors doors() {
    Map<String, Integer> asked = new LinkedHashMap<>();
    asked.put("MQTT", 8883);
    asked.put("AMQPS", 5671);
    asked.put("HTTPS", 0);
    return new FrontDoors(asked);
  }

  static FullHttpResponse get(FrontDoors doors, String uri) {
    EmbeddedChannel ch = new EmbeddedChannel(new HealthEndpoint(doors, false));
    ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri));
    FullHttpResponse res = ch.readOutbound();
    assertThat(ch.<Object>readInbound()).as("the health request is not passed on").isNull();
    ch.finishAndReleaseAll();
    return res;
  }

  @Test
  void aDoorNotBoundYetMakesTheHub503Starting() {
    FrontDoors doors = doors();
    doors.bound(new Door("MQTT", 8883));
    FullHttpResponse res = get(doors, "/health");
    assertThat(res.status().code()).isEqualTo(503);
    assertThat(res.content().toString(StandardCharsets.UTF_8)).isEqualTo("{\"status\":\"not serving\",\"frontDoors\":{"
        + "\"MQTT\":{\"port\":8883,\"state\":\"serving\"},\"AMQPS\":{\"port\":5671,\"state\":\"starting\"},"
        + "\"HTTPS\":{\"port\":0,\"state\":\"starting\"}},\"virtualTime\":false}");
    res.release();
  }

  @Test
  void everyDoorServingIs200AndAClosedOneIs503Stopped() {
    FrontDoors doors = doors();
    Door amqp = new Door("AMQPS", 5671);
    doors.bound(new Door("MQTT", 8883));
    doors.bound(amqp);
    doors.bound(new Door("HTTPS", 44321));
    FullHttpResponse ok = get(doors, "/health");
    assertThat(ok.status().code()).isEqualTo(200);
    assertThat(ok.content().toString(StandardCharsets.UTF_8)).contains("\"status\":\"serving\"",
        "\"HTTPS\":{\"port\":44321,\"state\":\"serving\"}");
    ok.release();

    amqp.close();
    FullHttpResponse down = get(doors, "/health");
    assertThat(down.status().code()).isEqualTo(503);
    assertThat(down.content().toString(StandardCharsets.UTF_8)).contains("\"AMQPS\":{\"port\":5671,\"state\":\"stopped\"}");
    down.release();
  }

  @Test
  void otherPathsAndMethodsGoOn() {
    EmbeddedChannel ch = new EmbeddedChannel(new HealthEndpoint(doors(), false));
    ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/healthz"));
    ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.DELETE, "/health"));
    assertThat(ch.<Object>readOutbound()).isNull();
    DefaultFullHttpRequest first = ch.readInbound();
    DefaultFullHttpRequest second = ch.readInbound();
    assertThat(first.uri()).isEqualTo("/healthz");
    assertThat(second.method()).isEqualTo(HttpMethod.DELETE);
    first.release();
    second.release();
    ch.finishAndReleaseAll();
  }

  @Test
  void onlyExpectedDoorsCanBeBound() {
    assertThatThrownBy(() -> doors().bound(new Door("WS", 443)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("front door must be one of [MQTT, AMQPS, HTTPS], but was WS");
  }
}
