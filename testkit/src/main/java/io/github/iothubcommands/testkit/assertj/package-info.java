/**
 * AssertJ assertions for what a {@link io.github.iothubcommands.testkit.FakeHub} saw and for command outcomes
 * and events; start from {@link io.github.iothubcommands.testkit.assertj.HubAssertions}. The only part of the
 * testkit that needs AssertJ (an optional dependency: add {@code assertj-core} to your test classpath).
 */
@NullMarked
package io.github.iothubcommands.testkit.assertj;

import org.jspecify.annotations.NullMarked;
