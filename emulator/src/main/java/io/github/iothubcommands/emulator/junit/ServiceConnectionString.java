package io.github.iothubcommands.emulator.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code String} parameter that {@link IotHubEmulatorExtension} fills with the class's emulator's
 * service connection string ({@link io.github.iothubcommands.emulator.IotHubEmulator#serviceConnectionString()}),
 * for the service SDK's AMQP clients: {@code void test(@ServiceConnectionString String service)}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface ServiceConnectionString {}
