/** Implementation of the emulator; not API. */
@NullMarked
package io.github.iothubcommands.emulator.internal.mqtt;

import org.jspecify.annotations.NullMarked;
