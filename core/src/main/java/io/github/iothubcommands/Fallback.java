package io.github.iothubcommands;

import io.github.iothubcommands.internal.Validation;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Deliver a command as a direct method, and if the device is offline, queue it as a cloud-to-device message
 * instead. Built by {@link DeliveryStrategy#fallback(DirectMethod, CloudToDevice)}.
 *
 * <pre>{@code
 * DeliveryStrategy strategy = DeliveryStrategy.fallback(
 *     DirectMethod.custom().connectTimeout(Duration.ofSeconds(10)).build(),  // try the device now
 *     CloudToDevice.custom().timeToLive(Duration.ofHours(4)).build());       // else it reads it later
 * CommandOutcome outcome = client.send("pump-2", command, strategy);
 * if (outcome.mechanism().orElse(null) == Mechanism.CLOUD_TO_DEVICE) { ... }
 * }</pre>
 *
 * <ul>
 *   <li>The direct method runs with its own connect timeout and {@linkplain DirectMethod#retryPolicy() retry
 *       policy}. If it ends {@link CommandStatus#DEVICE_OFFLINE} (404103, after the connect timeout and every
 *       retry), listeners get a {@link CommandEvent.Kind#FALLBACK_TAKEN} event and the command is sent as a
 *       cloud-to-device message with the second strategy's time-to-live, acknowledgement and retry policy,
 *       with the same command id. The outcome's {@link CommandOutcome#mechanism()} tells which path
 *       delivered it.
 *   <li><b>Only an offline device falls back.</b> Any other failure — a device's error answer, a 504 response
 *       timeout, a throttled or refused call — is the outcome: the device may have run the method (a 504 means
 *       it was reached), and queueing the command as well would run it twice, or after the caller gave up.
 *   <li>The command must fit both: a JSON payload within the method's size limit and no properties (a
 *       method carries none), checked before anything is sent.
 * </ul>
 */
public final class Fallback implements DeliveryStrategy {
  private final DirectMethod directMethod;
  private final CloudToDevice cloudToDevice;

  private Fallback(DirectMethod directMethod, CloudToDevice cloudToDevice) {
    this.directMethod = directMethod;
    this.cloudToDevice = cloudToDevice;
  }

  /**
   * Returns the strategy; see {@link DeliveryStrategy#fallback(DirectMethod, CloudToDevice)}.
   *
   * @param first the direct method tried first
   * @param then the cloud-to-device message sent when the device is offline
   * @return the strategy
   * @throws IllegalArgumentException if either is null
   */
  public static Fallback of(DirectMethod first, CloudToDevice then) {
    return new Fallback(Validation.notNull("first", first), Validation.notNull("then", then));
  }

  /**
   * Returns the direct method tried first.
   *
   * @return the direct-method strategy
   */
  public DirectMethod directMethod() {
    return directMethod;
  }

  /**
   * Returns the cloud-to-device strategy used when the device is offline.
   *
   * @return the cloud-to-device strategy
   */
  public CloudToDevice cloudToDevice() {
    return cloudToDevice;
  }

  @Override
  public <R> R accept(Visitor<R> visitor) {
    return visitor.visitFallback(this);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Fallback f && f.directMethod.equals(directMethod) && f.cloudToDevice.equals(cloudToDevice);
  }

  @Override
  public int hashCode() {
    return Objects.hash(directMethod, cloudToDevice);
  }

  @Override
  public String toString() {
    return "Fallback{" + directMethod + " then " + cloudToDevice + '}';
  }
}
