/**
 * Send commands to Azure IoT devices through either of IoT Hub's two mechanisms, tracked to exactly one
 * terminal outcome.
 *
 * <p>A {@link io.github.iothubcommands.Command} says <em>what</em> to do; a
 * {@link io.github.iothubcommands.DeliveryStrategy} says <em>how</em> it travels: as a queued
 * {@link io.github.iothubcommands.CloudToDevice cloud-to-device message} or as an immediate
 * {@link io.github.iothubcommands.DirectMethod direct method} call. A
 * {@link io.github.iothubcommands.CommandClient} sends it and returns a
 * {@link io.github.iothubcommands.CommandHandle} whose future completes with the
 * {@link io.github.iothubcommands.CommandOutcome}. A {@link io.github.iothubcommands.SequencePlan} orders
 * several commands for one device.
 *
 * <p>Everything in this package is null-marked: no parameter accepts {@code null} and no method returns
 * it unless annotated otherwise.
 */
@NullMarked
package io.github.iothubcommands;

import org.jspecify.annotations.NullMarked;
