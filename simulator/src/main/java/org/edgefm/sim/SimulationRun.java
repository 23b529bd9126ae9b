package org.edgefm.sim;

import java.time.Duration;
import java.util.Objects;
import java.util.function.IntConsumer;
import org.edgefm.scenario.Scenario;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.control.ControlLoop;
import org.edgefm.control.PluginBudgets;
import org.edgefm.control.PluginHealth;
import org.edgefm.control.ResolvedPlanner;
import org.edgefm.api.spi.LightServiceControllerFactory;

/**
 * One simulated trial: a scenario at a load factor and seed, controlled by a planner through the
 * same {@link ControlLoop} a field trial uses. Each slot the loop steps at the slot's start
 * (snapshot, decision, directives applied at once), then the fleet simulates to the slot's end.
 * Plugin calls run inline (virtual time) against the same budgets as live ({@link PluginBudgets}),
 * charged with the calling thread's CPU and waiting time so that a run stays repeatable; an overrunning
 * call's decision is discarded, a failing plugin is counted ({@link PluginHealth}), the loop keeps its
 * last good decision and the declared fallback decides while there has been none, exactly as in the
 * field. {@link Options#budget()} false measures only (profiling).
 */
public final class SimulationRun {
    /** The budget of {@code --no-budget}: calls are measured, never cut. */
    private static final Duration NO_BUDGET = Duration.ofDays(1);

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
     * @param plugins        the plugin calls' books: calls, failures by reason, slots on the fallback
     */
    public record Outcome(String planner, long seed, double load, SimStats stats, int pluginFailures, double plannerMs,
            double wallMs, PluginHealth plugins) {
    }

    /**
     * How plugin calls are run, and what the fleet is.
     *
     * @param budget   true: the live budgets, an overrun discarded; false: measured only (no budget)
     * @param fallback the fallback controller, or null for none
     * @param twin     the calibration of a twin ({@link Twin}), or null for the model alone
     * @param observer told of every directive applied and every task finished, or null
     * @param initial  desired states put in force before the loop starts (a replay starting from the
     *                 deployment a field trial had when its workload started); each is applied as
     *                 planner epoch 0, so the loop's own directives (epoch 1) replace it as in the
     *                 field after a host restart. Empty: the fleet starts bare
     */
    public record Options(boolean budget, LightServiceControllerFactory fallback, Twin twin, Observer observer,
            java.util.List<org.edgefm.wire.Directive> initial) {
        /** The live budgets, no fallback. */
        public static final Options DEFAULTS = new Options(true, null);

        /** Copies. */
        public Options {
            initial = initial == null ? java.util.List.of() : java.util.List.copyOf(initial);
        }

        /** Options starting from a bare fleet. */
        public Options(boolean budget, LightServiceControllerFactory fallback, Twin twin, Observer observer) {
            this(budget, fallback, twin, observer, java.util.List.of());
        }

        /** Options without a twin or an observer. */
        public Options(boolean budget, LightServiceControllerFactory fallback) {
            this(budget, fallback, null, null);
        }
    }

    /** Sees what the control loop hands the simulated fleet and what it hands back (parity's replay). */
    public interface Observer {
        /** A directive the loop applied at virtual time {@code nowMs}. */
        void onDirective(double nowMs, org.edgefm.wire.Directive directive);

        /** Tasks that ended (completed or failed) since the previous snapshot. */
        void onCompletions(java.util.List<org.edgefm.wire.TaskCompletion> completions);
    }

    /** Runs one trial with {@link Options#DEFAULTS}. */
    public static Outcome run(Scenario scenario, ResolvedPlanner planner, PlannerConfig config, long seed, double load,
            IntConsumer onSlot) {
        return run(scenario, planner, config, seed, load, onSlot, Options.DEFAULTS);
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
     * @param options  budgets and fallback
     */
    public static Outcome run(Scenario scenario, ResolvedPlanner planner, PlannerConfig config, long seed, double load,
            IntConsumer onSlot, Options options) {
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
                options.budget() ? PluginBudgets.core() : NO_BUDGET, options.budget() ? PluginBudgets.light(slotMs) : NO_BUDGET,
                1, false, () -> 0L);
        try (SimulatedFleet fleet = new SimulatedFleet(scenario.model().withLoad(load), scenario.run().slotMs(),
                scenario.failures(), seed, org.edgefm.sim.SimSettings.from(scenario.planner()), scenario.planner(),
                scenario.impairments(), options.twin());
                ControlLoop loop = new ControlLoop(observed(fleet, options.observer()), fleet.model(), planner,
                        config == null ? scenario.plannerConfig() : config, settings, listener)) {
            fleetRef[0] = fleet;
            if (options.fallback() != null && !options.fallback().name().equals(planner.controller().name())) {
                loop.fallback(options.fallback());
            }
            long v = 0;
            for (org.edgefm.wire.Directive d : options.initial()) {
                fleet.apply(new org.edgefm.wire.Directive(d.schema(), d.nodeId(), 0, ++v, d.issuedAtMs(), d.desired()));
            }
            loop.start();
            for (int k = 0; k < slots; k++) {
                loop.step();
                fleet.advanceTo((k + 1) * slotMs);
                if (onSlot != null) {
                    onSlot.accept(k);
                }
            }
            return new Outcome(planner.name(), seed, load, fleet.stats(), failures[0], plannerMs[0],
                    (System.nanoTime() - t0) / 1e6, loop.pluginHealth());
        }
    }

    /** The fleet as the loop sees it: itself, or with the observer told of directives and finished tasks. */
    private static org.edgefm.control.Fleet observed(SimulatedFleet fleet, Observer observer) {
        if (observer == null) {
            return fleet;
        }
        return new org.edgefm.control.Fleet() {
            @Override
            public double nowMs() {
                return fleet.nowMs();
            }

            @Override
            public org.edgefm.control.FleetSnapshot snapshot() {
                org.edgefm.control.FleetSnapshot s = fleet.snapshot();
                observer.onCompletions(s.completions());
                return s;
            }

            @Override
            public void apply(org.edgefm.wire.Directive directive) {
                observer.onDirective(fleet.nowMs(), directive);
                fleet.apply(directive);
            }

            @Override
            public void close() {
                fleet.close();
            }
        };
    }
}
