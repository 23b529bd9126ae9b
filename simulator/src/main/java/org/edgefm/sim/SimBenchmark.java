package org.edgefm.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.edgefm.api.model.SystemModel;
import org.edgefm.scenario.Scenario;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.wire.Directive;
import org.edgefm.control.ResolvedPlanner;

/**
 * Measures the simulator: a scenario for N seeds × S slots, seeds spread over T threads, either
 * under a fixed {@link ReferenceDeployment} with one snapshot per slot as the control loop takes
 * ({@link #engine}: the event loop's own cost), or with a planner in the loop through
 * {@link SimulationRun} ({@link #withPlanner}: what {@code edgefm simulate} costs per planner).
 * {@code edgefm bench sim} prints the results.
 */
public final class SimBenchmark {
    private SimBenchmark() {
    }

    /**
     * One benchmark run.
     *
     * @param seeds      trials run
     * @param slots      slots per trial
     * @param threads    threads the trials were spread over
     * @param tasks      tasks submitted, all trials together
     * @param events     simulator events, all trials together
     * @param wallS      wall time of the measured part, in s
     * @param plannerS   thread time spent inside planner calls, in s (0 without a planner)
     * @param meanOnTime mean on-time rate over the trials
     */
    public record Result(int seeds, int slots, int threads, long tasks, long events, double wallS, double plannerS,
            double meanOnTime) {
        /** Events per second of wall time. */
        public double eventsPerSecond() {
            return events / wallS;
        }
    }

    /**
     * The event loop alone: the scenario under a fixed reference deployment (4 instances per light
     * service at parallelism 2), one snapshot per slot, after a 200-slot warm-up run.
     *
     * @param scenario the scenario (its slot length; {@code slots} replaces its slot count)
     * @param load     factor on every arrival rate
     * @param seeds    trials, seeded {@code run.seed}, {@code run.seed + 1}, ...
     * @param slots    slots per trial
     * @param threads  threads to spread the trials over
     * @return events, tasks and wall time of the measured trials
     */
    public static Result engine(Scenario scenario, double load, int seeds, int slots, int threads) {
        Objects.requireNonNull(scenario, "scenario is null");
        SystemModel model = scenario.model().withLoad(load);
        List<Directive> plan = ReferenceDeployment.directives(model, 4, 2.0);
        double slotMs = scenario.run().slotMs();
        engineRun(scenario, model, plan, slotMs, Math.min(200, slots), scenario.run().seed() + 999_983L);
        return measure(seeds, slots, threads, seed -> new Trial(engineRun(scenario, model, plan, slotMs, slots, seed), 0),
                scenario.run().seed());
    }

    /**
     * The same trials {@code edgefm simulate} runs: the planner through the control loop, every slot.
     *
     * @param scenario the scenario, with the slot count to run
     * @param planner  the resolved planner
     * @param config   its settings, or null for the scenario's
     * @param load     factor on every arrival rate
     * @param seeds    trials
     * @param threads  threads to spread the trials over
     * @return events, tasks, wall time and the time spent in the planner
     */
    public static Result withPlanner(Scenario scenario, ResolvedPlanner planner, PlannerConfig config, double load,
            int seeds, int threads) {
        Objects.requireNonNull(scenario, "scenario is null");
        Objects.requireNonNull(planner, "planner is null");
        return measure(seeds, scenario.run().slots(), threads, seed -> {
            SimulationRun.Outcome o = SimulationRun.run(scenario, planner, config, seed, load, null);
            return new Trial(o.stats(), o.plannerMs() / 1e3);
        }, scenario.run().seed());
    }

    private record Trial(SimStats stats, double plannerS) {
    }

    private interface TrialFn {
        Trial run(long seed);
    }

    private static Result measure(int seeds, int slots, int threads, TrialFn fn, long firstSeed) {
        if (seeds < 1 || slots < 1 || threads < 1) {
            throw new IllegalArgumentException("seeds, slots and threads must be >= 1");
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long t0 = System.nanoTime();
            List<Future<Trial>> futures = new ArrayList<>();
            for (int s = 0; s < seeds; s++) {
                long seed = firstSeed + s;
                futures.add(pool.submit(() -> fn.run(seed)));
            }
            long events = 0;
            long tasks = 0;
            double onTime = 0;
            double plannerS = 0;
            for (Future<Trial> f : futures) {
                Trial t = get(f);
                events += t.stats().events();
                tasks += t.stats().submitted();
                onTime += t.stats().onTimeRate();
                plannerS += t.plannerS();
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            return new Result(seeds, slots, threads, tasks, events, wall, plannerS, onTime / seeds);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Trial get(Future<Trial> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static SimStats engineRun(Scenario scenario, SystemModel model, List<Directive> plan, double slotMs,
            int slots, long seed) {
        SimulatedFleet f = new SimulatedFleet(model, slotMs, scenario.failures(), seed, SimSettings.from(scenario.planner()));
        plan.forEach(f::apply);
        for (int k = 1; k <= slots; k++) {
            f.advanceTo(k * slotMs);
            f.snapshot();
        }
        return f.stats();
    }
}
