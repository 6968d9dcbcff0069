/**
 * Metrics for the command client: {@link io.github.iothubcommands.metrics.MicrometerCommandMetrics}, a
 * {@link io.github.iothubcommands.CommandListener} that records Micrometer meters. Micrometer is an
 * optional dependency of core: add {@code io.micrometer:micrometer-core} to use this package; nothing else
 * in the library needs it.
 */
@NullMarked
package io.github.iothubcommands.metrics;

import org.jspecify.annotations.NullMarked;
