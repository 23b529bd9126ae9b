package org.edgefm.planner.genai;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.edgefm.api.model.ArrivalProcess;
import org.edgefm.api.model.Demand;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.TaskType;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.DemandEstimate;
import org.edgefm.api.spi.LightServiceController;
import org.edgefm.api.spi.NodeObservation;
import org.edgefm.api.spi.SlotObservation;

/**
 * A model-level replay of the {@code genai-edge} scenario (not the discrete-event simulator): every
 * slot the controller decides on the last slot's request counts, then the slot's Poisson request
 * counts are drawn (at the rate the stream's schedule gives mid-slot) and the decision is charged with paper 2's cost model ({@link DeploymentCost})
 * on those counts. Used by {@code GenAiScenarioTest} and, with {@code main}, for the figures in
 * docs/seed-papers-2-3.md.
 */
public final class GenAiScenarioEvaluation {
    private GenAiScenarioEvaluation() {
    }

    /** Finds {@code scenarios/NAME.json} in the working directory or a parent of it. */
    public static Scenario scenario(String name) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path f = dir.resolve("scenarios").resolve(name + ".json");
            if (Files.isRegularFile(f)) {
                return ScenarioLoader.load(f);
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("scenarios/" + name + ".json not found above " + Path.of("").toAbsolutePath());
    }

    /** Total cost over {@code slots} slots of planner {@code name} with arrival seed {@code seed}. */
    public static double totalCost(Scenario sc, String name, long seed, int slots) {
        return replay(sc, name, seed, slots, null);
    }

    /**
     * Replays like {@link #totalCost} and returns the wall time of each slot's {@code decide} call in
     * ms (observation building and scoring excluded).
     */
    public static double[] decideTimesMs(Scenario sc, String name, long seed, int slots) {
        double[] ms = new double[slots];
        replay(sc, name, seed, slots, ms);
        return ms;
    }

    private static double replay(Scenario sc, String name, long seed, int slots, double[] decideMs) {
        SystemModel m = sc.model();
        GenAiController c = (GenAiController) create(name, sc);
        SplittableRandom r = new SplittableRandom(seed);
        double slotMs = sc.run().slotMs();
        List<DemandEstimate> last = List.of();
        double total = 0;
        for (int t = 0; t < slots; t++) {
            List<NodeObservation> nodes = new ArrayList<>();
            for (NodeSpec n : m.topology().nodes()) {
                nodes.add(new NodeObservation(n.id(), true, n.capacity(), 0.0, null));
            }
            SlotObservation obs = new SlotObservation(t, t * slotMs, slotMs, m, CorePlacement.EMPTY, nodes, List.of(), last,
                    List.of(), List.of(), null);
            long t0 = System.nanoTime();
            c.decide(obs);
            if (decideMs != null) {
                decideMs[t] = (System.nanoTime() - t0) / 1e6;
            }
            Map<String, Double> perModel = new LinkedHashMap<>();
            List<DemandEstimate> counted = new ArrayList<>();
            for (Demand d : m.workload()) {
                int k = poissonCount(r, rateAt(d, (t + 0.5) * slotMs) * slotMs);
                counted.add(new DemandEstimate(d.user(), d.taskType(), k / slotMs));
                for (TaskType tt : m.taskTypes()) {
                    if (tt.id().equals(d.taskType())) {
                        for (Stage s : tt.stages()) {
                            perModel.merge(s.service(), (double) k, Double::sum);
                        }
                    }
                }
            }
            DeploymentProblem p = c.lastProblem();
            List<DeploymentProblem.Model> real = p.models().stream()
                    .map(mm -> mm.withRequests(perModel.getOrDefault(mm.id(), 0.0))).toList();
            DeploymentProblem realised = new DeploymentProblem(real, p.storageBudget(), p.gpuBudget(), p.energyBudget(),
                    p.weights(), p.previous());
            total += DeploymentCost.cost(realised, c.lastDecision());
            last = counted;
        }
        return total;
    }

    /** The stream's rate at {@code timeMs}: a Poisson stream's schedule factor applied, else its mean rate. */
    static double rateAt(Demand d, double timeMs) {
        if (d.arrivals() instanceof ArrivalProcess.Poisson p && p.schedule() != null) {
            return p.ratePerMs() * p.schedule().factorAt(timeMs);
        }
        return d.arrivals().meanRatePerMs();
    }

    static LightServiceController create(String name, Scenario sc) {
        return new GenAiPlugin().lightServiceControllers().stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow().create(sc.plannerConfig());
    }

    /** A Poisson variate (normal approximation above a mean of 500). */
    public static int poissonCount(SplittableRandom r, double mean) {
        if (mean > 500) {
            return (int) Math.max(0, Math.round(mean + Math.sqrt(mean) * r.nextGaussian()));
        }
        double l = Math.exp(-mean);
        int k = 0;
        double p = 1;
        do {
            k++;
            p *= r.nextDouble();
        } while (p > l);
        return k - 1;
    }

    /** Prints mean and standard deviation of the total cost over seeds 1..N (default 20) per planner; optional second argument: the scenario name (default genai-edge). */
    public static void main(String[] args) {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Scenario sc = scenario(args.length > 1 ? args[1] : "genai-edge");
        for (String p : List.of("genai-ga", "all-cloud", "popularity-greedy", "density-greedy", "lru")) {
            double[] xs = new double[seeds];
            for (int s = 0; s < seeds; s++) {
                xs[s] = totalCost(sc, p, s + 1, sc.run().slots());
            }
            double mean = 0;
            for (double x : xs) {
                mean += x / seeds;
            }
            double var = 0;
            for (double x : xs) {
                var += (x - mean) * (x - mean) / Math.max(1, seeds - 1);
            }
            System.out.printf(Locale.ROOT, "%-18s total cost %.1f +- %.1f (%d seeds, %d slots)%n", p, mean, Math.sqrt(var),
                    seeds, sc.run().slots());
        }
        // Per-slot decision time of genai-ga: 5 replays of the whole run, the first as JIT warm-up.
        List<Double> times = new ArrayList<>();
        for (int rep = 0; rep < 5; rep++) {
            double[] ms = decideTimesMs(sc, "genai-ga", rep + 1, sc.run().slots());
            if (rep > 0) {
                for (double x : ms) {
                    times.add(x);
                }
            }
        }
        times.sort(null);
        System.out.printf(Locale.ROOT, "genai-ga decide per slot: median %.2f ms, p99 %.2f ms, max %.2f ms (%d slots after a warm-up run)%n",
                times.get(times.size() / 2), times.get((int) (times.size() * 0.99)), times.get(times.size() - 1), times.size());
        // Single-slot optimality gap on random instances (GeneticDeploymentTest's generator, 4-16 models),
        // on the GA's objective: the cost with the switching delay amortised over its default horizon.
        double h = GeneticDeployment.Settings.DEFAULT_HORIZON_SLOTS;
        SplittableRandom r = new SplittableRandom(99);
        Map<String, DeploymentPolicy> policies = new LinkedHashMap<>();
        policies.put("genai-ga", new GeneticDeployment(GeneticDeployment.Settings.DEFAULT));
        policies.put("popularity-greedy", Baselines.popularityGreedy());
        policies.put("density-greedy", Baselines.densityGreedy());
        Map<String, double[]> gap = new LinkedHashMap<>();
        policies.keySet().forEach(k -> gap.put(k, new double[2]));
        int n = 200;
        for (int k = 0; k < n; k++) {
            DeploymentProblem p = GeneticDeploymentTest.randomProblem(r, 4 + r.nextInt(13));
            double opt = DeploymentCost.horizonCost(p, ExhaustiveDeployment.solve(p, h), h);
            for (Map.Entry<String, DeploymentPolicy> e : policies.entrySet()) {
                double g = (DeploymentCost.horizonCost(p, e.getValue().decide(p, null, k), h) - opt) / opt;
                gap.get(e.getKey())[0] += g / n;
                gap.get(e.getKey())[1] = Math.max(gap.get(e.getKey())[1], g);
            }
        }
        gap.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-18s random instances: mean gap to exhaustive %.3f %%, worst %.3f %% (%d instances)%n",
                k, 100 * v[0], 100 * v[1], n));
    }
}
