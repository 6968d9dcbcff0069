/** Testkit implementation details. Not an API. */
@NullMarked
package io.github.iothubcommands.testkit.internal;

import org.jspecify.annotations.NullMarked;
