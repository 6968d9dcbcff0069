/** The reactive client's implementation; not API. */
@NullMarked
package io.github.iothubcommands.reactor.internal;

import org.jspecify.annotations.NullMarked;
