/** Implementation of the command client. Not an API: it may change in any release. */
@NullMarked
package io.github.iothubcommands.internal;

import org.jspecify.annotations.NullMarked;
