/** Implementation of the emulator; not API. */
@NullMarked
package io.github.iothubcommands.emulator.internal.tls;

import org.jspecify.annotations.NullMarked;
