package io.github.iothubcommands.spi;

import io.github.iothubcommands.MethodResponse;

/**
 * A transport that can also invoke a direct method on the calling thread. {@link
 * io.github.iothubcommands.CommandClient#send CommandClient.send} — the synchronous form, whose caller waits
 * anyway — uses it for a plain direct method (no retry, no fallback), so the call costs no hand-off to a
 * transport thread and back; {@code sendAsync} and every other path keep using {@link #invokeMethod}.
 *
 * <p>Optional: a transport that does not implement it is called through {@link #invokeMethod} on every path.
 * The Azure transport implements it, because the service SDK's {@code DirectMethodsClient.invoke} blocks
 * anyway.
 */
public interface BlockingMethodTransport extends HubTransport {

  /**
   * Invokes a direct method on the calling thread and returns the device's reply, whatever its status. The
   * client sets no timer of its own on this path, so the call must return or throw within the invocation's
   * connect timeout plus response timeout plus a bounded margin (the Azure transport's HTTP read timeout is
   * derived that way).
   *
   * @param invocation the call, already validated by the client
   * @return the device's reply
   * @throws io.github.iothubcommands.HubException for what the hub refuses or fails (device offline 404103,
   *     gateway timeout 504101, unknown device 404001); any other runtime exception counts as {@link
   *     io.github.iothubcommands.HubError#UNKNOWN}
   */
  MethodResponse invokeMethodBlocking(MethodInvocation invocation);
}
