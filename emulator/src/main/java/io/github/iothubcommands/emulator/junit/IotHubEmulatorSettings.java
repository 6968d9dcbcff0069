package io.github.iothubcommands.emulator.junit;

import io.github.iothubcommands.HubTier;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Configures the emulator that {@link IotHubEmulatorExtension} starts for a test class: its hub name, its
 * devices, its throttling tier, its connection timeouts and whether its clock is virtual. Put it on the test class; a {@code @Nested}
 * class with its own settings gets its own emulator, one without shares its enclosing class's.
 *
 * <pre>{@code
 * @ExtendWith(IotHubEmulatorExtension.class)
 * @IotHubEmulatorSettings(hubName = "fleet", devices = {"d1", "d2"}, tier = HubTier.S1, units = 2)
 * class FleetTest {
 *   @Test
 *   void reboots(IotHubEmulator hub, @DeviceConnectionString("d1") String d1) { ... }
 * }
 * }</pre>
 *
 * <p>Every attribute defaults to "not set": the emulator's default applies ({@link
 * io.github.iothubcommands.emulator.IotHubEmulator#DEFAULT_HUB_NAME}, no devices, no throttling, {@link
 * io.github.iothubcommands.emulator.IotHubEmulator#DEFAULT_HANDSHAKE_TIMEOUT} and so on). Durations are
 * ISO-8601 strings ({@code "PT5S"}); {@code ""} is "not set". An invalid value fails the class's tests with
 * the rule and the value, as {@link io.github.iothubcommands.emulator.IotHubEmulator.Builder} states them.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface IotHubEmulatorSettings {
  /** The value of a numeric attribute that is not set. */
  int NOT_SET = -1;

  /**
   * The hub's name.
   *
   * @return the name, or {@code ""}
   * @see io.github.iothubcommands.emulator.IotHubEmulator.Builder#hubName(String)
   */
  String hubName() default "";

  /**
   * Devices registered at start, each with generated keys.
   *
   * @return the device ids
   * @see io.github.iothubcommands.emulator.IotHubEmulator.Builder#devices(String...)
   */
  String[] devices() default {};

  /**
   * IoT Hub's throttling tier; with {@link #units()}. Not set: the emulator does not throttle. Write it as a
   * single value: {@code tier = HubTier.S1}.
   *
   * @return one tier, or none for "not set"
   * @see io.github.iothubcommands.emulator.IotHubEmulator.Builder#tier(HubTier, int)
   */
  HubTier[] tier() default {};

  /**
   * Units of the {@link #tier()}; 1 when a tier is set without units.
   *
   * @return the units, or {@value #NOT_SET}
   */
  int units() default NOT_SET;

  /**
   * The HTTPS port; the emulator's address is the test class's own, so the default port is free.
   *
   * @return the port (0: any free port), or {@value #NOT_SET} for the default
   * @see io.github.iothubcommands.emulator.IotHubEmulator.Builder#httpsPort(int)
   */
  int httpsPort() default NOT_SET;

  /**
   * How long a new connection has for TLS and its protocol's opening, as an ISO-8601 duration.
   *
   * @return the duration, or {@code ""}
   * @see io.github.iothubcommands.emulator.IotHubEmulator.Builder#handshakeTimeout(java.time.Duration)
   */
  String handshakeTimeout() default "";

  /**
   * How long an HTTPS request may take to arrive, as an ISO-8601 duration.
   *
   * @return the duration, or {@code ""}
   * @see io.github.iothubcommands.emulator.IotHubEmulator.Builder#requestTimeout(java.time.Duration)
   */
  String requestTimeout() default "";

  /**
   * How long an HTTPS connection may stay idle, as an ISO-8601 duration.
   *
   * @return the duration, or {@code ""}
   * @see io.github.iothubcommands.emulator.IotHubEmulator.Builder#idleTimeout(java.time.Duration)
   */
  String idleTimeout() default "";

  /**
   * Whether the engine runs on a virtual clock, starting at the wall clock's now and moving only when the
   * test advances it ({@code hub.admin().advanceClock(…)} or {@code POST /admin/clock/advance}): time-to-live,
   * locks, feedback batches, method timeouts and SAS token expiry follow it. Not set: the wall clock.
   *
   * @return {@code true} for a virtual clock
   * @see io.github.iothubcommands.emulator.IotHubEmulator.Builder#virtualTime()
   */
  boolean virtualTime() default false;
}
