/** Implementation of the emulator; not API. */
@NullMarked
package io.github.iothubcommands.emulator.internal.https;

import org.jspecify.annotations.NullMarked;
