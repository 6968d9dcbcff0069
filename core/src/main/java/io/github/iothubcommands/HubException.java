package io.github.iothubcommands;

/**
 * A hub refused or failed a request. Transports complete their futures exceptionally with this type; the
 * command client turns it into a {@link CommandOutcome}.
 *
 * <p>The message never contains a shared access key or signature.
 */
public class HubException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final HubError error;

  /**
   * Creates an exception for a hub error.
   *
   * @param error what the hub reported
   * @param message a description with context (device id, message id), free of secrets
   */
  public HubException(HubError error, String message) {
    super(error + " (" + error.errorCode() + "): " + message);
    this.error = error;
  }

  /**
   * Creates an exception for a hub error with the failure that revealed it.
   *
   * @param error what the hub reported
   * @param message a description with context (device id, message id), free of secrets
   * @param cause the protocol-level failure
   */
  public HubException(HubError error, String message, Throwable cause) {
    super(error + " (" + error.errorCode() + "): " + message, cause);
    this.error = error;
  }

  /**
   * Returns what the hub reported.
   *
   * @return the hub error
   */
  public HubError error() {
    return error;
  }
}
