package io.github.iothubcommands.device;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import java.util.Set;

/**
 * Dispatches the commands a device receives — direct methods and cloud-to-device messages alike — to one
 * {@link CommandHandler} per command name, over the Azure IoT device SDK's {@link DeviceClient} (MQTT or
 * AMQPS, and their WebSocket variants).
 *
 * <pre>{@code
 * DeviceClient client = new DeviceClient(connectionString, IotHubClientProtocol.AMQPS);
 * try (CommandDispatcher dispatcher = CommandDispatcher.builder(client)
 *     .handle("reboot", command -> {
 *       int delay = command.payloadAsJson().path("delaySeconds").asInt(0);
 *       scheduleReboot(delay);
 *       return CommandReply.ok(Map.of("rebootingIn", delay));
 *     })
 *     .onConnectionEvent(event -> log.info("connection {}", event))
 *     .build()) {
 *   dispatcher.start();   // opens the client and subscribes
 *   awaitShutdown();
 * }                       // closes the client and the dispatcher's threads
 * }</pre>
 *
 * <p><b>How each mechanism maps.</b> A direct method's name is the command's wire name ({@code name} or
 * {@code component*name}); a cloud-to-device message carries it in the {@value
 * io.github.iothubcommands.Command#NAME_PROPERTY} property. The handler's {@link CommandReply} becomes the
 * method's status and JSON payload, or the message's disposition (complete, reject, abandon). <b>Over MQTT
 * the device SDK can only complete a message</b>: a REJECT or ABANDON there still completes it, so the
 * service sees feedback {@code Success} and the hub never delivers it again; only AMQPS carries reject and
 * abandon.
 *
 * <p><b>Defaults.</b> A command no handler is registered for — and a C2D message without a valid {@value
 * io.github.iothubcommands.Command#NAME_PROPERTY} — is answered {@value CommandReply#UNKNOWN_COMMAND} /
 * reject (see {@link CommandDispatcherBuilder#onUnknownCommand(CommandHandler)}). A handler that throws is
 * answered {@value CommandReply#HANDLER_FAILED} / abandon; one that does not finish within the handler
 * timeout {@value CommandReply#HANDLER_TIMED_OUT} / abandon; when the bound on pending handlers is reached, or
 * after {@link #close()}, {@value CommandReply#BUSY} / abandon. The dispatcher itself never stops.
 *
 * <p><b>Duplicates.</b> A command whose id was seen within the dedupe window (by count and by age) does not
 * run its handler again: it gets the first run's reply, waiting for it if that run is still going. A run that
 * failed or abandoned is forgotten, so a redelivery runs the handler again. See {@link
 * IncomingCommand#commandId()} for what the id is per mechanism.
 *
 * <p><b>Threads.</b> The device SDK calls its callbacks on one thread per client and sends a reply only when
 * its callback returns. The dispatcher runs each handler on its executor (its own bounded pool, or the one
 * supplied) and waits on the SDK's thread for at most the handler timeout; so per client one command is
 * answered at a time, handlers never run on the SDK's thread, and a stuck handler costs the timeout, not the
 * connection.
 *
 * <p>Thread-safe. The dispatcher takes over the client's message callback, method subscription and
 * connection status callback: use {@link CommandDispatcherBuilder#onConnectionEvent(ConnectionListener)}
 * instead of the SDK's.
 */
public interface CommandDispatcher extends AutoCloseable {

  /**
   * Starts building a dispatcher over this client, which must not be open yet: {@link #start()} opens it.
   *
   * @param client the device client (created, not opened)
   * @return a builder
   * @throws IllegalArgumentException if {@code client} is null
   */
  static CommandDispatcherBuilder builder(DeviceClient client) {
    return new CommandDispatcherBuilder(client);
  }

  /**
   * Takes over the client's callbacks, opens the client (without the SDK's retry on the first connection:
   * a failure is reported at once) and subscribes to direct methods. Cloud-to-device messages may reach the
   * handlers as soon as the client is open. Afterwards the SDK reconnects by itself; connection events tell.
   *
   * @throws IllegalStateException if the dispatcher was already started or is closed
   * @throws DeviceClientException if the client cannot open or subscribe; the dispatcher is then closed
   */
  void start();

  /**
   * Returns the device the client connects as.
   *
   * @return the device id
   */
  String deviceId();

  /**
   * Returns the wire names ({@code name} or {@code component*name}) handlers are registered for.
   *
   * @return an unmodifiable set
   */
  Set<String> commands();

  /**
   * Returns the last connection status the SDK reported.
   *
   * @return the status; {@code DISCONNECTED} before {@link #start()}
   */
  IotHubConnectionStatus connectionStatus();

  /**
   * Stops dispatching and releases what {@link #start()} took: commands arriving from now on are answered
   * {@value CommandReply#BUSY} / abandon, the device client is closed, and the dispatcher's own pool (not an
   * executor supplied to the builder) is shut down after giving running handlers up to 5 s to finish.
   * Idempotent. A dispatcher never started leaves the client alone.
   */
  @Override
  void close();
}
