/**
 * An in-memory fake IoT Hub for deterministic tests: {@link io.github.iothubcommands.testkit.FakeHub},
 * scripted {@link io.github.iothubcommands.testkit.SimulatedDevice}s whose faults are data ({@link
 * io.github.iothubcommands.testkit.MethodReply}, {@link io.github.iothubcommands.testkit.MessageReply}), and
 * {@link io.github.iothubcommands.engine.VirtualTime}. What the hub saw is kept within a record limit (see
 * {@link io.github.iothubcommands.testkit.FakeHub}), so long simulations run in flat memory. Nothing here
 * depends on a test framework; the JUnit 5 extension lives in {@code io.github.iothubcommands.testkit.junit},
 * the AssertJ assertions in {@code io.github.iothubcommands.testkit.assertj}.
 */
@NullMarked
package io.github.iothubcommands.testkit;

import org.jspecify.annotations.NullMarked;
