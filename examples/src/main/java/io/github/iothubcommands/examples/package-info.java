/** Runnable examples: {@link io.github.iothubcommands.examples.Demo} and the README's quickstart. */
package io.github.iothubcommands.examples;
