/**
 * The reactive API: {@link io.github.iothubcommands.reactor.ReactiveCommandClient} — a command's outcome as a
 * {@code Mono}, its transitions, sequence plans, fan-outs and the hub's feedback as {@code Flux} — over the
 * command client, with the client's time on a Reactor {@code Scheduler} ({@link
 * io.github.iothubcommands.reactor.ReactorTimeSource}). Implementation classes live in {@code .internal},
 * which is not API.
 */
@NullMarked
package io.github.iothubcommands.reactor;

import org.jspecify.annotations.NullMarked;
