/**
 * JUnit 5 integration: {@link io.github.iothubcommands.testkit.junit.FakeHubExtension} gives each test a fresh
 * {@link io.github.iothubcommands.testkit.FakeHub} (as a method or constructor parameter), configured by
 * {@link io.github.iothubcommands.testkit.junit.FakeHubSettings}. The only part of the testkit that needs JUnit (an optional
 * dependency: add {@code junit-jupiter-api} to your test classpath, as JUnit 5 users already have).
 */
@NullMarked
package io.github.iothubcommands.testkit.junit;

import org.jspecify.annotations.NullMarked;
