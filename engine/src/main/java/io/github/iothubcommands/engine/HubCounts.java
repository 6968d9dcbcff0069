package io.github.iothubcommands.engine;

/**
 * What the hub saw since it started, counted by the engine ({@link HubEngine#counts()}): a snapshot, each
 * count exact at the moment it was read.
 *
 * @param cloudToDeviceEnqueued messages accepted into a device queue
 * @param cloudToDeviceDelivered deliveries to a device, redeliveries included
 * @param cloudToDeviceCompleted messages the device completed
 * @param cloudToDeviceRejected messages the device rejected
 * @param cloudToDeviceAbandoned abandons by the device (the message went back to its queue, or ran out of
 *     deliveries)
 * @param cloudToDeviceExpired messages whose time-to-live ran out
 * @param cloudToDeviceDeliveryCountExceeded messages dropped after the maximum number of deliveries
 * @param cloudToDevicePurged messages removed by a purge
 * @param methodsInvoked direct method calls received, refused ones included
 * @param methodsSucceeded calls the device answered (whatever status it answered with)
 * @param methodsFailed calls refused or failed without a device answer: bad input, device offline or
 *     deleted, throttled, payload too large
 * @param methodsTimedOut calls the device did not answer within their response timeout
 * @param throttled service calls refused with 429 (quota or injected fault)
 * @param connections device connections the hub accepted
 * @param feedbackDropped feedback records dropped by an injected fault ({@link HubEngine#dropNextFeedback})
 */
public record HubCounts(
    long cloudToDeviceEnqueued,
    long cloudToDeviceDelivered,
    long cloudToDeviceCompleted,
    long cloudToDeviceRejected,
    long cloudToDeviceAbandoned,
    long cloudToDeviceExpired,
    long cloudToDeviceDeliveryCountExceeded,
    long cloudToDevicePurged,
    long methodsInvoked,
    long methodsSucceeded,
    long methodsFailed,
    long methodsTimedOut,
    long throttled,
    long connections,
    long feedbackDropped) {}
