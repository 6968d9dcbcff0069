/**
 * JUnit 5 integration: {@link io.github.iothubcommands.testkit.junit.FakeHubExtension} gives each test a fresh
 * {@link io.github.iothubcommands.testkit.FakeHub}. The only part of the testkit that needs JUnit (an optional
 * dependency: add {@code junit-jupiter-api} to your test classpath, as JUnit 5 users already have).
 */
@NullMarked
package io.github.iothubcommands.testkit.junit;

import org.jspecify.annotations.NullMarked;
