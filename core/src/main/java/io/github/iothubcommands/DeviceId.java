package io.github.iothubcommands;

import io.github.iothubcommands.internal.Validation;

/**
 * IoT Hub's rule for device ids, the one the client checks before sending: 1 to {@value #MAX_LENGTH}
 * ASCII letters, digits and the characters {@value #ALLOWED_PUNCTUATION}. Public so that code around the
 * library (a registry, an emulator, a form) can refuse the same ids with the same message.
 */
public final class DeviceId {
  /** Longest device id IoT Hub accepts. */
  public static final int MAX_LENGTH = Validation.MAX_DEVICE_ID_LENGTH;
  /** The punctuation IoT Hub allows in a device id besides ASCII letters and digits. */
  public static final String ALLOWED_PUNCTUATION = Validation.DEVICE_ID_PUNCTUATION;

  private DeviceId() {}

  /**
   * Checks a device id.
   *
   * @param deviceId the id to check
   * @return the id, unchanged
   * @throws IllegalArgumentException naming the rule and the offending value or character, if the id is
   *     null, blank, longer than {@value #MAX_LENGTH} characters or has a character outside the rule
   */
  public static String requireValid(String deviceId) {
    return Validation.deviceId(deviceId);
  }
}
