package io.github.iothubcommands.engine;

/** A kind of service call the hub meters, and a fault can throttle ({@link HubEngine#throttleNext}). */
public enum HubOperation {
  /** Queuing a cloud-to-device message ({@link HubEngine#enqueue}). */
  CLOUD_TO_DEVICE_SEND,
  /** Invoking a direct method ({@link HubEngine#invoke}). */
  DIRECT_METHOD
}
