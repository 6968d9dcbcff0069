/**
 * Seeded random scenarios and invariant checks, for property-based testing with whichever library you
 * use (or none): generate a {@link io.github.iothubcommands.testkit.scenario.HubScenario} from a seed, run
 * it, and check {@link io.github.iothubcommands.testkit.scenario.HubInvariants}. A failing seed replays
 * exactly.
 *
 * <pre>{@code
 * ScenarioRun run = HubScenario.random(seed, ScenarioSettings.ofDefaults()).run();
 * assertThat(HubInvariants.violations(run)).isEmpty();
 * }</pre>
 */
@NullMarked
package io.github.iothubcommands.testkit.scenario;

import org.jspecify.annotations.NullMarked;
