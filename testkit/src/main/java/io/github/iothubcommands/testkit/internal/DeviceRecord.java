package io.github.iothubcommands.testkit.internal;

/**
 * What one simulated device received, in a log the hub's devices share (so that their records together
 * stay within the hub's bound).
 *
 * @param deviceId the device
 * @param value the delivery or method call
 * @param <T> the record type
 */
public record DeviceRecord<T>(String deviceId, T value) {}
