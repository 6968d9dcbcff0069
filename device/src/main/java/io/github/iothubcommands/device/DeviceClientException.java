package io.github.iothubcommands.device;

import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;

/**
 * The device SDK could not do what the dispatcher asked of it (open the client, subscribe to direct
 * methods). Carries the device id; its message never holds a key or a SAS token, and the SDK's exception is
 * the cause.
 */
public final class DeviceClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String deviceId;
  private final String operation;

  private DeviceClientException(String deviceId, String operation, String message, Throwable cause) {
    super(message, cause);
    this.deviceId = deviceId;
    this.operation = operation;
  }

  /**
   * Makes the exception for a failed SDK operation.
   *
   * @param deviceId the device
   * @param operation what failed, such as {@code "open"}
   * @param cause the SDK's exception
   * @return the exception, whose message names the device, the operation, the cause's type and, for the
   *     SDK's {@link IotHubClientException}, its status code — never the cause's message
   */
  public static DeviceClientException of(String deviceId, String operation, Throwable cause) {
    String status = cause instanceof IotHubClientException e && e.getStatusCode() != null
        ? " " + e.getStatusCode() : "";
    return new DeviceClientException(deviceId, operation, "device " + deviceId + ": the device client could not "
        + operation + " (" + cause.getClass().getSimpleName() + status + ")", cause);
  }

  /**
   * Returns the device.
   *
   * @return the device id
   */
  public String deviceId() {
    return deviceId;
  }

  /**
   * Returns what failed.
   *
   * @return the operation, such as {@code "open"} or {@code "subscribe to direct methods"}
   */
  public String operation() {
    return operation;
  }
}
