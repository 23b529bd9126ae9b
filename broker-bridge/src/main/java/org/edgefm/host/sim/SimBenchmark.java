package org.edgefm.host.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.scenario.Scenario;
import org.edgefm.api.scenario.ScenarioLoader;
import org.edgefm.api.wire.Directive;

/**
 * Measures the engine: a scenario for N seeds × S slots under {@link ReferenceDeployment}, one
 * snapshot per slot (as the control loop takes), seeds spread over T threads. Prints events, wall
 * time and events per second. No planner runs, so the figures are the simulator's own cost.
 *
 * <p>Usage: {@code SimBenchmark [--scenario FILE|NAME] [--seeds 20] [--slots 2000] [--threads 2]
 * [--load 1]}.
 */
public final class SimBenchmark {
    private SimBenchmark() {
    }

    /** Runs the benchmark. */
    public static void main(String[] args) throws Exception {
        String scenarioRef = "scenarios/paper-table1.json";
        int seeds = 20;
        int slots = 2000;
        int threads = 2;
        double load = 1.0;
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--scenario" -> scenarioRef = v;
                case "--seeds" -> seeds = Integer.parseInt(v);
                case "--slots" -> slots = Integer.parseInt(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--load" -> load = Double.parseDouble(v);
                default -> {
                    System.err.println("SimBenchmark: unknown option '" + args[i] + "'");
                    System.exit(2);
                }
            }
            i++;
        }
        Scenario scenario = ScenarioLoader.resolve(scenarioRef);
        SystemModel model = scenario.model().withLoad(load);
        List<Directive> plan = ReferenceDeployment.directives(model, 4, 2.0);
        double slotMs = scenario.run().slotMs();
        int nSlots = slots;
        // Warm-up: one short run so the JIT has compiled the event loop before timing.
        runOne(scenario, model, plan, slotMs, Math.min(200, nSlots), 999);

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long t0 = System.nanoTime();
        List<Future<SimStats>> futures = new ArrayList<>();
        for (int s = 0; s < seeds; s++) {
            long seed = scenario.run().seed() + s;
            futures.add(pool.submit(() -> runOne(scenario, model, plan, slotMs, nSlots, seed)));
        }
        long events = 0;
        long tasks = 0;
        double onTime = 0;
        for (Future<SimStats> f : futures) {
            SimStats st = f.get();
            events += st.events();
            tasks += st.submitted();
            onTime += st.onTimeRate();
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        System.out.printf(Locale.ROOT, "scenario %s, load %.2f: %d seeds x %d slots of %.0f ms on %d threads%n",
                scenario.name(), load, seeds, nSlots, slotMs, threads);
        System.out.printf(Locale.ROOT, "tasks %,d, events %,d, wall %.2f s, %.2f M events/s (%.2f M per thread)%n",
                tasks, events, wall, events / wall / 1e6, events / wall / 1e6 / threads);
        System.out.printf(Locale.ROOT, "reference deployment: mean on-time rate %.4f%n", onTime / seeds);
    }

    private static SimStats runOne(Scenario scenario, SystemModel model, List<Directive> plan, double slotMs,
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
