/** Implementation of the emulator; not API. */
@NullMarked
package io.github.iothubcommands.emulator.internal.cli;

import org.jspecify.annotations.NullMarked;
