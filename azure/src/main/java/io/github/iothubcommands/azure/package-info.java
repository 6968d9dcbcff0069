/**
 * The Azure IoT Hub transport: {@link io.github.iothubcommands.azure.AzureHubTransport}, the {@link
 * io.github.iothubcommands.spi.HubTransport} over the Azure IoT service SDK. Add this module beside core
 * to command real devices; core, the testkit and the reactor module stay free of the SDK's dependency tree.
 *
 * <p>{@code io.github.iothubcommands.azure.internal} is implementation, not API.
 */
@NullMarked
package io.github.iothubcommands.azure;

import org.jspecify.annotations.NullMarked;
