package io.github.iothubcommands;

/**
 * Which of IoT Hub's two mechanisms carried a command: see {@link CommandOutcome#mechanism()}. A {@link
 * Fallback} starts as a direct method and may end as a cloud-to-device message; the outcome tells which.
 */
public enum Mechanism {
  /** A cloud-to-device message, queued by the hub ({@link CloudToDevice}). */
  CLOUD_TO_DEVICE,
  /** A direct method, called on the connected device ({@link DirectMethod}). */
  DIRECT_METHOD
}
