package io.github.iothubcommands.device;

/**
 * Told of every connection status change the device SDK reports. Registered with {@link
 * CommandDispatcherBuilder#onConnectionEvent(ConnectionListener)}; called on the SDK's thread, so keep it
 * short. An exception it throws is logged and does not reach the SDK.
 */
@FunctionalInterface
public interface ConnectionListener {

  /**
   * Receives a connection status change.
   *
   * @param event the change
   */
  void onConnectionEvent(ConnectionEvent event);
}
