/**
 * The device side: a {@link io.github.iothubcommands.device.CommandDispatcher} over the Azure IoT device
 * SDK's {@code DeviceClient} calls one {@link io.github.iothubcommands.device.CommandHandler} per command
 * name, whether the command came as a direct method or as a cloud-to-device message, and maps the handler's
 * {@link io.github.iothubcommands.device.CommandReply} back to that mechanism. Commands already run (the same
 * command id within the dedupe window) are answered with the first run's reply without running the handler
 * again.
 *
 * <p>Classes in {@code io.github.iothubcommands.device.internal} are the implementation, not API.
 *
 * <p>Everything in this package is null-marked: no parameter accepts {@code null} and no method returns
 * it unless annotated otherwise.
 */
@NullMarked
package io.github.iothubcommands.device;

import org.jspecify.annotations.NullMarked;
