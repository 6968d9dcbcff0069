/** Implementation of the Azure transport; not API. */
@NullMarked
package io.github.iothubcommands.azure.internal;

import org.jspecify.annotations.NullMarked;
