package io.github.iothubcommands.emulator.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code String} parameter that {@link IotHubEmulatorExtension} fills with a device's connection
 * string on the class's emulator: {@code void test(@DeviceConnectionString("d1") String d1)}. The device
 * must be registered ({@link IotHubEmulatorSettings#devices()}, or earlier in the class), or resolving the
 * parameter fails naming it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface DeviceConnectionString {
  /**
   * The device.
   *
   * @return the device id
   */
  String value();
}
