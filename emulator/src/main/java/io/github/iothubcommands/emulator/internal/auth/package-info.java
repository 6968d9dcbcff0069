/** Implementation of the emulator; not API. */
@NullMarked
package io.github.iothubcommands.emulator.internal.auth;

import org.jspecify.annotations.NullMarked;
