/** The dispatcher's implementation: not API, may change in any release. */
@NullMarked
package io.github.iothubcommands.device.internal;

import org.jspecify.annotations.NullMarked;
