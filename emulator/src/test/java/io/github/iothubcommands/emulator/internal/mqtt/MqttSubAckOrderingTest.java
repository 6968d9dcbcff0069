package io.github.iothubcommands.emulator.internal.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubcommands.MethodResponse;
import io.github.iothubcommands.emulator.internal.DeviceChannels;
import io.github.iothubcommands.emulator.internal.DeviceRegistry;
import io.github.iothubcommands.emulator.internal.auth.CredentialWatch;
import io.github.iothubcommands.emulator.internal.auth.SasToken;
import io.github.iothubcommands.emulator.internal.auth.SasVerifier;
import io.github.iothubcommands.engine.HubEngine;
import io.github.iothubcommands.engine.HubLimits;
import io.github.iothubcommands.spi.MethodInvocation;
import io.github.iothubcommands.spi.TimeSource;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SUBACK reaches the wire only once the engine holds the subscription: a device that calls for a direct
 * method the moment it reads SUBACK (as a test does after {@code subscribeToMethods} returns) must never get
 * 404103. Deterministic: an {@link EmbeddedChannel} runs the handler on the test thread, and a stand-in for
 * the socket invokes a method at the instant SUBACK is flushed.
 */
@Timeout(10)
class MqttSubAckOrderingTest {
  private static final String HOST = "127.0.0.1";
  private final HubEngine engine = new HubEngine(HubLimits.DEFAULTS, TimeSource.system());

  @AfterEach
  void close() {
    engine.close();
  }

  /** The socket: records what is flushed, and invokes a method when a flush carries SUBACK. */
  private final class Wire extends ChannelOutboundHandlerAdapter {
    final List<MqttMessageType> flushed = new ArrayList<>();
    final List<MqttMessageType> pending = new ArrayList<>();
    final List<CompletableFuture<MethodResponse>> callsOnSubAck = new ArrayList<>();

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof MqttMessage m) {
        pending.add(m.fixedHeader().messageType());
      }
      ctx.write(msg, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
      boolean subAck = pending.contains(MqttMessageType.SUBACK);
      flushed.addAll(pending);
      pending.clear();
      ctx.flush();
      if (subAck) { // the device has read SUBACK: it calls at once
        callsOnSubAck.add(engine.invoke(MethodInvocation.builder().deviceId("d").methodName("ping")
            .payloadJson("null").connectTimeout(Duration.ZERO).responseTimeout(Duration.ofSeconds(5)).build()));
      }
    }
  }

  @Test
  void methodInvokedTheMomentSubAckIsFlushedFindsTheDeviceSubscribed() {
    String key = DeviceRegistry.newKey();
    engine.registerDevice("d", key, null);
    Wire wire = new Wire();
    EmbeddedChannel channel = new EmbeddedChannel(wire, new MqttDeviceHandler(engine,
        new SasVerifier(engine, Set.of(HOST), Map.of()), new CredentialWatch(), new MqttSessions(),
        new DeviceChannels()));
    try {
      String token = SasToken.build(HOST + "/devices/d", key, Instant.now().plusSeconds(3600).getEpochSecond(), null);
      channel.writeInbound(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1).clientId("d")
          .cleanSession(false).keepAlive(0).username(HOST + "/d/?api-version=2020-09-30")
          .password(token.getBytes(StandardCharsets.UTF_8)).build());
      MqttConnAckMessage connAck = channel.readOutbound();
      assertThat(connAck.variableHeader().connectReturnCode()).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);

      channel.writeInbound(MqttMessageBuilders.subscribe().messageId(1)
          .addSubscription(MqttQoS.AT_LEAST_ONCE, MqttDeviceHandler.METHODS_FILTER).build());
      channel.runPendingTasks();

      assertThat(wire.callsOnSubAck).hasSize(1);
      assertThat(wire.callsOnSubAck.get(0)).as("a method called once SUBACK is out is not refused (404103)")
          .isNotCompletedExceptionally();
      MqttMessage subAck = channel.readOutbound();
      assertThat(subAck.fixedHeader().messageType()).isEqualTo(MqttMessageType.SUBACK);
      MqttPublishMessage request = channel.readOutbound();
      assertThat(request.variableHeader().topicName()).startsWith("$iothub/methods/POST/ping/?$rid=");
      request.release();
    } finally {
      channel.finishAndReleaseAll();
    }
  }
}
