package org.edgefm.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.edgefm.scenario.Scenario;
import org.edgefm.wire.Directive;
import org.edgefm.wire.TaskCompletion;

/**
 * Applies a recorded directive history to a (calibrated) simulated fleet, with no planner in the
 * loop: each directive is handed to the fleet at the time the field's host published it, those
 * published before the run's start (while the fleet was brought up) at time 0 in their order. The
 * fleet then runs what the field ran, instance for instance and route for route, so what differs
 * between the two is the simulator's service model alone (service, queueing, hop and link times),
 * not the planning. A twin still takes its measured preload before a directive that starts
 * instances takes effect, as an agent loads them before it swaps its state in.
 */
public final class DirectivesReplay {
    private DirectivesReplay() {
    }

    /**
     * A directive and when it was published.
     *
     * @param atMs      ms after the run's start (negative or 0: in force when the run starts)
     * @param directive the directive
     */
    public record Timed(double atMs, Directive directive) {
        /** Validates. */
        public Timed {
            if (Double.isNaN(atMs) || Double.isInfinite(atMs)) {
                throw new IllegalArgumentException("atMs: " + atMs + " (expected: finite)");
            }
            Objects.requireNonNull(directive, "directive is null");
        }
    }

    /**
     * What the replay produced.
     *
     * @param handed      the directives handed to the fleet, with the virtual time they were handed over
     * @param applied     those the fleet put in force, with the virtual time they took effect
     * @param refused     those it refused (capacity, unknown service), with why
     * @param completions every task that ended (completed or failed)
     * @param stats       the simulator's statistics
     */
    public record Outcome(List<Timed> handed, List<Timed> applied, List<String> refused, List<TaskCompletion> completions,
            SimStats stats) {
    }

    /**
     * Runs the scenario's slots with the recorded directives.
     *
     * @param scenario   the scenario (its run settings give slot length and slots; its arrivals or the
     *                   twin's task log drive the workload)
     * @param twin       the calibration, or null for the model alone
     * @param directives the recorded directives, in the order they were published
     * @param seed       the seed of the fleet's draws
     */
    public static Outcome run(Scenario scenario, Twin twin, List<Timed> directives, long seed) {
        Objects.requireNonNull(scenario, "scenario is null");
        List<Timed> order = new ArrayList<>(directives);
        order.sort(Comparator.comparingDouble(t -> Math.max(0, t.atMs()))); // stable: publication order kept
        double slotMs = scenario.run().slotMs();
        int slots = scenario.run().slots();
        List<Timed> handed = new ArrayList<>();
        List<Timed> applied = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<TaskCompletion> done = new ArrayList<>();
        try (SimulatedFleet fleet = new SimulatedFleet(scenario.model(), slotMs, scenario.failures(), seed,
                SimSettings.from(scenario.planner()), scenario.planner(), scenario.impairments(), twin)) {
            fleet.onApplied(new SimulatedFleet.Applied() {
                @Override
                public void applied(double nowMs, Directive d) {
                    applied.add(new Timed(nowMs, d));
                }

                @Override
                public void refused(double nowMs, Directive d, String why) {
                    refused.add(d.nodeId() + " v" + d.version() + " at " + Math.round(nowMs) + " ms: " + why);
                }
            });
            int next = 0;
            for (int k = 0; k < slots; k++) {
                double end = (k + 1) * slotMs;
                while (next < order.size() && Math.max(0, order.get(next).atMs()) < end) {
                    Timed t = order.get(next++);
                    fleet.advanceTo(Math.max(fleet.nowMs(), t.atMs()));
                    handed.add(new Timed(fleet.nowMs(), t.directive()));
                    fleet.apply(t.directive());
                }
                fleet.advanceTo(end);
                done.addAll(fleet.snapshot().completions());
            }
            return new Outcome(handed, applied, refused, done, fleet.stats());
        }
    }
}
