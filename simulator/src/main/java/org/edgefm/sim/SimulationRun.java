package org.edgefm.sim;

import java.time.Duration;
import java.util.Objects;
import java.util.function.IntConsumer;
import org.edgefm.scenario.Scenario;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.control.ControlLoop;
import org.edgefm.control.ResolvedPlanner;

/**
 * One simulated trial: a scenario at a load factor and seed, controlled by a planner through the
 * same {@link ControlLoop} a field trial uses. Each slot the loop steps at the slot's start
 * (snapshot, decision, directives applied at once), then the fleet simulates to the slot's end.
 * Plugin calls run inline (virtual time) with generous budgets; a failing plugin is counted, and the
 * loop keeps its last good decision, exactly as in the field.
 */
public final class SimulationRun {
    private SimulationRun() {
    }

    /**
     * What one trial produced.
     *
     * @param planner        the planner name
     * @param seed           the seed
     * @param load           the load factor
     * @param stats          the simulator's exact statistics
     * @param pluginFailures plugin calls that threw, overran or returned no plan
     * @param plannerMs      wall time spent inside the planner's calls, in ms
     * @param wallMs         wall time of the whole trial, in ms
     */
    public record Outcome(String planner, long seed, double load, SimStats stats, int pluginFailures, double plannerMs,
            double wallMs) {
    }

    /**
     * Runs one trial.
     *
     * @param scenario the scenario (its run settings give slot length, slots and planning epoch)
     * @param planner  the resolved planner
     * @param config   planner settings (the scenario's, possibly overridden)
     * @param seed     the seed
     * @param load     factor on every arrival rate
     * @param onSlot   called after each slot with the slot index, or null
     */
    public static Outcome run(Scenario scenario, ResolvedPlanner planner, PlannerConfig config, long seed, double load,
            IntConsumer onSlot) {
        Objects.requireNonNull(scenario, "scenario is null");
        Objects.requireNonNull(planner, "planner is null");
        long t0 = System.nanoTime();
        double slotMs = scenario.run().slotMs();
        int slots = scenario.run().slots();
        int[] failures = new int[1];
        SimulatedFleet[] fleetRef = new SimulatedFleet[1];
        double[] plannerMs = new double[1];
        ControlLoop.Listener listener = new ControlLoop.Listener() {
            @Override
            public void onPluginFailure(String plugin, String role, String reason, String detail) {
                failures[0]++;
            }

            @Override
            public void onDecision(long slot, org.edgefm.api.spi.LightDecision decision, double elapsedMs) {
                plannerMs[0] += elapsedMs;
                // Per-user shares (seed paper 3) are not part of a directive; the simulated radio
                // and CPUs follow the decision in force.
                fleetRef[0].applyUserAllocations(decision.users());
            }

            @Override
            public void onCorePlacement(org.edgefm.api.spi.CorePlacementContext.Trigger trigger,
                    org.edgefm.api.spi.CorePlacement placement, double elapsedMs) {
                plannerMs[0] += elapsedMs;
            }
        };
        ControlLoop.Settings settings = new ControlLoop.Settings(slotMs, scenario.run().planningEpochMs(),
                Duration.ofMinutes(5), Duration.ofMinutes(1), 1, false, () -> 0L);
        try (SimulatedFleet fleet = new SimulatedFleet(scenario, seed, load);
                ControlLoop loop = new ControlLoop(fleet, fleet.model(), planner,
                        config == null ? scenario.plannerConfig() : config, settings, listener)) {
            fleetRef[0] = fleet;
            loop.start();
            for (int k = 0; k < slots; k++) {
                loop.step();
                fleet.advanceTo((k + 1) * slotMs);
                if (onSlot != null) {
                    onSlot.accept(k);
                }
            }
            return new Outcome(planner.name(), seed, load, fleet.stats(), failures[0], plannerMs[0],
                    (System.nanoTime() - t0) / 1e6);
        }
    }
}
