package io.github.iothubcommands.device;

import com.microsoft.azure.sdk.iot.device.IotHubConnectionStatusChangeReason;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A connection status change of the device client, as the device SDK reported it: {@code CONNECTED}, {@code
 * DISCONNECTED_RETRYING} (the SDK is reconnecting; commands wait in the hub) or {@code DISCONNECTED} (it gave
 * up, or the client was closed), with the SDK's reason. Immutable.
 */
public final class ConnectionEvent {
  private final String deviceId;
  private final IotHubConnectionStatus status;
  private final @Nullable IotHubConnectionStatus previousStatus;
  private final IotHubConnectionStatusChangeReason reason;
  private final @Nullable Throwable cause;
  private final Instant time;

  /**
   * Makes an event; the dispatcher makes them from the SDK's callbacks, tests may make their own.
   *
   * @param deviceId the device
   * @param status the new status
   * @param previousStatus the status before, or {@code null} if the SDK did not say
   * @param reason the SDK's reason
   * @param cause the failure behind it, or {@code null}
   * @param time when the dispatcher saw it, on its clock
   * @throws NullPointerException if {@code deviceId}, {@code status}, {@code reason} or {@code time} is null
   */
  public ConnectionEvent(String deviceId, IotHubConnectionStatus status, @Nullable IotHubConnectionStatus previousStatus,
      IotHubConnectionStatusChangeReason reason, @Nullable Throwable cause, Instant time) {
    this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
    this.status = Objects.requireNonNull(status, "status");
    this.previousStatus = previousStatus;
    this.reason = Objects.requireNonNull(reason, "reason");
    this.cause = cause;
    this.time = Objects.requireNonNull(time, "time");
  }

  /**
   * Returns the device whose connection changed.
   *
   * @return the device id
   */
  public String deviceId() {
    return deviceId;
  }

  /**
   * Returns the new status.
   *
   * @return the status
   */
  public IotHubConnectionStatus status() {
    return status;
  }

  /**
   * Returns the status before the change.
   *
   * @return the previous status, or empty if the SDK did not say
   */
  public Optional<IotHubConnectionStatus> previousStatus() {
    return Optional.ofNullable(previousStatus);
  }

  /**
   * Returns the SDK's reason for the change.
   *
   * @return the reason, such as {@code CONNECTION_OK}, {@code NO_NETWORK} or {@code CLIENT_CLOSE}
   */
  public IotHubConnectionStatusChangeReason reason() {
    return reason;
  }

  /**
   * Returns the failure behind the change.
   *
   * @return the cause, or empty
   */
  public Optional<Throwable> cause() {
    return Optional.ofNullable(cause);
  }

  /**
   * Returns when the dispatcher saw the change, on its clock.
   *
   * @return the time
   */
  public Instant time() {
    return time;
  }

  /** Device, statuses, reason and the cause's type; never the cause's message. */
  @Override
  public String toString() {
    return "ConnectionEvent{device=" + deviceId + ", status=" + status + ", previous=" + previousStatus
        + ", reason=" + reason + (cause == null ? "" : ", cause=" + cause.getClass().getName()) + ", time="
        + time + '}';
  }
}
