package io.github.iothubcommands;

/**
 * The hub errors a command can meet, with the HTTP status and IoT Hub error code that identify them on the
 * wire. Transports map what their protocol reports onto these values.
 */
public enum HubError {
  /** The request was malformed or a value was out of the hub's range (HTTP 400). */
  BAD_REQUEST(400, 400000),
  /** The credential was refused: wrong key, wrong resource or expired signature (HTTP 401). */
  UNAUTHORIZED(401, 401000),
  /** The device's cloud-to-device queue already holds its maximum number of messages (403004). */
  QUEUE_DEPTH_EXCEEDED(403, 403004),
  /** No device with this id is registered in the hub (404001). */
  DEVICE_NOT_FOUND(404, 404001),
  /** The device is not connected and did not connect within the connect timeout (404103). */
  DEVICE_NOT_ONLINE(404, 404103),
  /** A device with this id is already registered (409001). */
  DEVICE_ALREADY_EXISTS(409, 409001),
  /** The request's etag ({@code If-Match}) does not match the current one (412002). */
  PRECONDITION_FAILED(412, 412002),
  /** The message or payload is larger than the hub accepts (HTTP 413). */
  MESSAGE_TOO_LARGE(413, 413002),
  /** The hub throttled the request (429001). */
  THROTTLED(429, 429001),
  /** The hub failed internally (HTTP 500). */
  SERVER_ERROR(500, 500001),
  /** The hub is too busy to take the request now; retry later (HTTP 503). */
  SERVER_BUSY(503, 503001),
  /** The device did not answer a direct method within the response timeout (504101). */
  GATEWAY_TIMEOUT(504, 504101),
  /**
   * The transport could not reach the hub, or lost its connection before the hub answered: transient. For
   * a cloud-to-device send the hub may or may not have queued the message.
   */
  CONNECTION_FAILED(0, 0),
  /** Any other failure. */
  UNKNOWN(0, 0);

  private final int httpStatus;
  private final int errorCode;

  HubError(int httpStatus, int errorCode) {
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  /**
   * Returns the HTTP status the hub answers with, or {@code 0} for {@link #CONNECTION_FAILED} and {@link
   * #UNKNOWN}.
   *
   * @return the HTTP status
   */
  public int httpStatus() {
    return httpStatus;
  }

  /**
   * Returns the six-digit IoT Hub error code, or {@code 0} for {@link #CONNECTION_FAILED} and {@link
   * #UNKNOWN}.
   *
   * @return the IoT Hub error code
   */
  public int errorCode() {
    return errorCode;
  }

  /**
   * Returns the error with this IoT Hub error code, falling back on the HTTP status ({@code errorCode / 1000})
   * and then on {@link #UNKNOWN}.
   *
   * @param errorCode a six-digit IoT Hub error code, or an HTTP status
   * @return the matching error, never {@code null}
   */
  public static HubError fromCode(int errorCode) {
    if (errorCode <= 0) {
      return UNKNOWN;
    }
    for (HubError e : values()) {
      if (e.errorCode == errorCode) {
        return e;
      }
    }
    int status = errorCode >= 100_000 ? errorCode / 1000 : errorCode;
    for (HubError e : values()) {
      if (e.httpStatus == status && e != DEVICE_NOT_ONLINE) {
        return e;
      }
    }
    return UNKNOWN;
  }
}
