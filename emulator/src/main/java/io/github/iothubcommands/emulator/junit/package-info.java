/**
 * JUnit 5 integration: {@link io.github.iothubcommands.emulator.junit.IotHubEmulatorExtension} starts one
 * {@link io.github.iothubcommands.emulator.IotHubEmulator} per test class on a free loopback address, so
 * test classes in parallel forks each have their own, configured by {@link
 * io.github.iothubcommands.emulator.junit.IotHubEmulatorSettings}. The only part of the emulator that needs
 * JUnit (an optional dependency: add {@code junit-jupiter-api} to your test class path, as JUnit 5 users
 * already have).
 */
@NullMarked
package io.github.iothubcommands.emulator.junit;

import org.jspecify.annotations.NullMarked;
