package io.github.iothubcommands.device.internal;

import com.microsoft.azure.sdk.iot.device.ClientConfiguration;
import com.microsoft.azure.sdk.iot.device.ConnectionStatusChangeContext;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.MessageCallback;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import com.microsoft.azure.sdk.iot.device.transport.IotHubTransportMessage;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodPayload;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import io.github.iothubcommands.Command;
import io.github.iothubcommands.device.CommandDispatcher;
import io.github.iothubcommands.device.CommandReply;
import io.github.iothubcommands.device.CommandReply.Disposition;
import io.github.iothubcommands.device.ConnectionEvent;
import io.github.iothubcommands.device.ConnectionListener;
import io.github.iothubcommands.device.DeviceClientException;
import io.github.iothubcommands.device.internal.SdkMessages.Arrival;
import java.time.InstantSource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The dispatcher over a {@link DeviceClient}: the SDK's callbacks in, {@link Dispatch} in between. */
public final class DefaultCommandDispatcher implements CommandDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultCommandDispatcher.class);
  private static final long CLOSE_GRACE_SECONDS = 5;

  private final DeviceClient client;
  private final String deviceId;
  private final IotHubClientProtocol protocol;
  private final Dispatch dispatch;
  private final @Nullable ExecutorService ownPool;
  private final List<ConnectionListener> listeners;
  private final InstantSource clock;
  private final Set<String> commands;
  /** The SDK's request id of the direct method being delivered on this (the SDK's) thread. */
  private final ThreadLocal<@Nullable String> methodRequestId = new ThreadLocal<>();
  private final Object lock = new Object();
  private State state = State.NEW;
  private volatile IotHubConnectionStatus connectionStatus = IotHubConnectionStatus.DISCONNECTED;

  private enum State { NEW, STARTED, CLOSED }

  public DefaultCommandDispatcher(DeviceClient client, DispatcherSettings settings) {
    this.client = client;
    ClientConfiguration config = client.getConfig();
    this.deviceId = config.getDeviceId();
    this.protocol = config.getProtocol();
    Executor executor = settings.executor();
    this.ownPool = executor == null ? ownPool(deviceId, settings.handlerThreads()) : null;
    this.dispatch = settings.dispatch(executor != null ? executor : ownPool);
    this.listeners = settings.listeners();
    this.clock = settings.clock();
    Set<String> names = new LinkedHashSet<>();
    settings.handlers().keySet().forEach(n -> names.add(n.toString()));
    this.commands = Set.copyOf(names);
  }

  private static ExecutorService ownPool(String deviceId, int threads) {
    AtomicInteger n = new AtomicInteger();
    ThreadFactory defaults = Executors.defaultThreadFactory();
    ThreadFactory factory = r -> {
      Thread t = defaults.newThread(r);
      t.setName("iothub-commands-device-" + deviceId + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    // Unbounded queue: Dispatch's bound on pending handlers is what limits it.
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), factory);
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  @Override
  public void start() {
    synchronized (lock) {
      if (state != State.NEW) {
        throw new IllegalStateException("start() must be called once, on a new dispatcher, but the dispatcher of "
            + "device " + deviceId + " is " + state.name().toLowerCase(java.util.Locale.ROOT));
      }
      state = State.STARTED;
    }
    client.setConnectionStatusChangeCallback(this::connectionChanged, null);
    client.setMessageCallback(this::onMessage, null);
    String operation = "open";
    try {
      client.open(false);
      operation = "subscribe to direct methods";
      client.subscribeToMethods(this::onMethod, null);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      close();
      throw DeviceClientException.of(deviceId, operation, e);
    }
    captureMethodRequestIds();
    LOG.info("dispatching commands {} for device {} over {}", commands, deviceId, protocol);
  }

  /**
   * The SDK hands a method callback the name and payload, not the request id. Its own per-message callback
   * for methods (public on the client's configuration) does see the message: wrap it, so that the id is
   * known on this thread while the SDK calls {@link #onMethod}. Without it, methods are never deduplicated.
   */
  private void captureMethodRequestIds() {
    try {
      ClientConfiguration config = client.getConfig();
      MessageCallback sdk = config.getDirectMethodsMessageCallback();
      if (sdk == null) {
        LOG.debug("device {}: no SDK method callback to wrap; method request ids unknown", deviceId);
        return;
      }
      config.setDirectMethodsMessageCallback((m, ctx) -> {
        methodRequestId.set(m instanceof IotHubTransportMessage t ? t.getRequestId() : null);
        try {
          return sdk.onCloudToDeviceMessageReceived(m, ctx);
        } finally {
          methodRequestId.remove();
        }
      }, config.getDirectMethodsMessageContext());
    } catch (RuntimeException e) {
      LOG.debug("device {}: cannot see method request ids ({})", deviceId, e.getClass().getName());
    }
  }

  private IotHubMessageResult onMessage(Message message, @Nullable Object context) {
    try {
      Arrival a = SdkMessages.fromMessage(message, deviceId);
      CommandReply reply = a.command() != null
          ? dispatch.dispatch(a.command(), a.key())
          : notACommand("C2D message " + message.getMessageId(), a.claimedName());
      if (reply.disposition() != Disposition.COMPLETE && isMqtt()) {
        LOG.debug("device {}: {} of C2D message {} is sent as a completion: the SDK's MQTT transport can only "
            + "complete", deviceId, reply.disposition(), message.getMessageId());
      }
      return SdkMessages.result(reply);
    } catch (RuntimeException e) {
      LOG.warn("device {}: could not dispatch C2D message {}: abandoning it", deviceId, message.getMessageId(), e);
      return IotHubMessageResult.ABANDON;
    }
  }

  private DirectMethodResponse onMethod(String methodName, @Nullable DirectMethodPayload payload,
      @Nullable Object context) {
    try {
      Arrival a = SdkMessages.fromMethod(methodName, payloadJson(payload), methodRequestId.get(), deviceId);
      CommandReply reply = a.command() != null
          ? dispatch.dispatch(a.command(), a.key())
          : notACommand("direct method", a.claimedName());
      return SdkMessages.response(reply);
    } catch (RuntimeException e) {
      LOG.warn("device {}: could not dispatch direct method {}", deviceId, methodName, e);
      return SdkMessages.response(Replies.handlerFailed());
    }
  }

  private static @Nullable String payloadJson(@Nullable DirectMethodPayload payload) {
    try {
      return payload == null ? null : payload.getPayloadAsJsonString();
    } catch (RuntimeException e) {
      return null; // the SDK had no payload to give
    }
  }

  private CommandReply notACommand(String what, String claimedName) {
    LOG.warn("device {}: {} is not a command (its {} '{}' is missing or not a valid wire name): answering "
        + "unknown command", deviceId, what, Command.NAME_PROPERTY, claimedName);
    return Replies.unknownCommand(claimedName);
  }

  private boolean isMqtt() {
    return protocol == IotHubClientProtocol.MQTT || protocol == IotHubClientProtocol.MQTT_WS;
  }

  private void connectionChanged(ConnectionStatusChangeContext c) {
    connectionStatus = c.getNewStatus();
    Throwable cause = c.getCause();
    LOG.info("device {}: {} ({}){}", deviceId, c.getNewStatus(), c.getNewStatusReason(),
        cause == null ? "" : ", cause " + cause.getClass().getName());
    ConnectionEvent event = new ConnectionEvent(deviceId, c.getNewStatus(), c.getPreviousStatus(),
        c.getNewStatusReason(), cause, clock.instant());
    for (ConnectionListener l : listeners) {
      try {
        l.onConnectionEvent(event);
      } catch (RuntimeException e) {
        LOG.warn("device {}: connection listener {} failed", deviceId, l.getClass().getName(), e);
      }
    }
  }

  @Override
  public String deviceId() {
    return deviceId;
  }

  @Override
  public Set<String> commands() {
    return commands;
  }

  @Override
  public IotHubConnectionStatus connectionStatus() {
    return connectionStatus;
  }

  @Override
  public void close() {
    State was;
    synchronized (lock) {
      was = state;
      if (was == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
    }
    dispatch.close();
    if (was == State.STARTED) {
      try {
        client.close();
      } catch (RuntimeException e) {
        LOG.warn("device {}: closing the device client failed", deviceId, e);
      }
    }
    ExecutorService pool = ownPool;
    if (pool != null) {
      pool.shutdown();
      try {
        if (!pool.awaitTermination(CLOSE_GRACE_SECONDS, TimeUnit.SECONDS)) {
          LOG.warn("device {}: handlers still running {} s after close: interrupting them", deviceId,
              CLOSE_GRACE_SECONDS);
          pool.shutdownNow();
        }
      } catch (InterruptedException e) {
        pool.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "CommandDispatcher{device=" + deviceId + ", protocol=" + protocol + ", commands=" + commands + '}';
  }
}
