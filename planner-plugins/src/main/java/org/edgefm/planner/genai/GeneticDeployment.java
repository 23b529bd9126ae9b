package org.edgefm.planner.genai;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seed paper 2's model-level deployment selection as a genetic algorithm (papers.md 3.2: "GA-based"
 * [R]; operators reconstructed in 3.3 [I]). A chromosome is the binary deployment vector of one
 * slot. Every offspring passes through the repair operator, so the population only ever holds
 * feasible decisions and the fitness is the cost itself; the best individual is kept (elitism).
 * The first individual is the previous slot's deployment (warm start), which is usually close to
 * the next optimum because request rates drift slowly and switching is expensive.
 *
 * <p>The fitness is {@link DeploymentCost#horizonCost}: a switch-in's delay is spread over an expected
 * residency of {@code horizonSlots} slots instead of being charged against one slot's benefit (a
 * myopic GA, {@code horizonSlots = 1}, refuses a model whose one-slot benefit is below its switching
 * delay even when the model will serve for many slots).
 */
public final class GeneticDeployment implements DeploymentPolicy {
    private final Settings settings;

    /**
     * The GA's settings, all reconstructions ([I]): papers.md gives none.
     *
     * @param population    individuals per generation, at least 2
     * @param generations   generations per slot, at least 1
     * @param crossoverRate probability that two parents are recombined (uniform crossover)
     * @param mutationRate  per-bit flip probability; {@code <= 0} means {@code 1/n}
     * @param tournament    tournament size of the selection, at least 1
     * @param warmStart     seed the population with the previous slot's deployment
     * @param seed          base seed; slot {@code t} uses a stream derived from it and t
     * @param horizonSlots  expected residency of a switched-in model in slots, over which its switching
     *                      delay is amortised; at least 1 (1 = myopic, the whole delay in one slot)
     */
    public record Settings(int population, int generations, double crossoverRate, double mutationRate, int tournament,
            boolean warmStart, long seed, double horizonSlots) {
        /** The default expected residency {@code genai-ga.horizon-slots} (our assumption [I]). */
        public static final double DEFAULT_HORIZON_SLOTS = 10;

        /** Defaults used by the {@code genai-ga} controller. */
        public static final Settings DEFAULT = new Settings(60, 60, 0.9, -1, 3, true, 1L, DEFAULT_HORIZON_SLOTS);

        /** Myopic settings: the whole switching delay is charged in the slot of the switch-in. */
        public Settings(int population, int generations, double crossoverRate, double mutationRate, int tournament,
                boolean warmStart, long seed) {
            this(population, generations, crossoverRate, mutationRate, tournament, warmStart, seed, 1);
        }

        /** Validates every field. */
        public Settings {
            if (population < 2) {
                throw new IllegalArgumentException("population: " + population + " (expected: >= 2)");
            }
            if (generations < 1) {
                throw new IllegalArgumentException("generations: " + generations + " (expected: >= 1)");
            }
            if (!(crossoverRate >= 0 && crossoverRate <= 1)) {
                throw new IllegalArgumentException("crossoverRate: " + crossoverRate + " (expected: in [0, 1])");
            }
            if (mutationRate > 1) {
                throw new IllegalArgumentException("mutationRate: " + mutationRate + " (expected: <= 1)");
            }
            if (tournament < 1) {
                throw new IllegalArgumentException("tournament: " + tournament + " (expected: >= 1)");
            }
            if (!(horizonSlots >= 1) || Double.isInfinite(horizonSlots)) {
                throw new IllegalArgumentException("horizon-slots: " + horizonSlots + " (expected: finite and >= 1)");
            }
        }
    }

    /** A GA with the given settings. */
    public GeneticDeployment(Settings settings) {
        this.settings = settings;
    }

    @Override
    public boolean[] decide(DeploymentProblem p, double[] observed, long slot) {
        return solve(p, new SplittableRandom(settings.seed() * 1_000_003L + slot));
    }

    /** Runs the GA on one problem with the given random stream. */
    public boolean[] solve(DeploymentProblem p, SplittableRandom rnd) {
        int n = p.size();
        if (n == 0) {
            return new boolean[0];
        }
        int size = settings.population();
        double mutation = settings.mutationRate() > 0 ? settings.mutationRate() : 1.0 / n;
        boolean[][] pop = new boolean[size][];
        double[] fit = new double[size];
        int k = 0;
        if (settings.warmStart()) {
            pop[k++] = DeploymentCost.repair(p, p.previous());        // warm start: keep last slot's models
        }
        if (k < size) {
            pop[k++] = new boolean[n];                                  // all-cloud, always feasible
        }
        if (k < size) {
            pop[k++] = Baselines.densityGreedy().decide(p, null, 0);    // a good constructive start
        }
        if (k < size) {
            pop[k++] = savingGreedy(p);                                 // greedy on the fitness itself
        }
        while (k < size) {
            boolean[] x = new boolean[n];
            double density = rnd.nextDouble();
            for (int i = 0; i < n; i++) {
                x[i] = rnd.nextDouble() < density;
            }
            pop[k++] = DeploymentCost.repair(p, x);
        }
        int best = 0;
        for (int i = 0; i < size; i++) {
            fit[i] = fitness(p, pop[i]);
            if (fit[i] < fit[best]) {
                best = i;
            }
        }
        boolean[] bestX = pop[best].clone();
        double bestCost = fit[best];

        boolean[][] next = new boolean[size][];
        double[] nextFit = new double[size];
        for (int g = 0; g < settings.generations(); g++) {
            next[0] = bestX.clone();                                    // elitism
            nextFit[0] = bestCost;
            for (int c = 1; c < size; c++) {
                boolean[] a = pop[tournament(fit, rnd)];
                boolean[] b = pop[tournament(fit, rnd)];
                boolean[] child = rnd.nextDouble() < settings.crossoverRate() ? uniformCrossover(a, b, rnd) : a.clone();
                mutate(child, mutation, rnd);
                DeploymentCost.repair(p, child);
                next[c] = child;
                nextFit[c] = fitness(p, child);
                if (nextFit[c] < bestCost) {
                    bestCost = nextFit[c];
                    bestX = child.clone();
                }
            }
            boolean[][] t = pop;
            pop = next;
            next = t;
            double[] tf = fit;
            fit = nextFit;
            nextFit = tf;
        }
        return bestX;
    }

    /** The cost the GA minimises: the objective with the switching delay amortised over the horizon. */
    private double fitness(DeploymentProblem p, boolean[] x) {
        return DeploymentCost.horizonCost(p, x, settings.horizonSlots());
    }

    /**
     * A constructive start on the fitness itself: models in decreasing order of their saving per GPU
     * memory unit (requests times the delay saved against the cloud, less the amortised switching
     * delay and the resource cost), each added when its saving is positive and every constraint holds.
     */
    boolean[] savingGreedy(DeploymentProblem p) {
        int n = p.size();
        double[] saving = new double[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            DeploymentProblem.Model m = p.models().get(i);
            double switchMs = p.wasResident(i) ? 0 : m.switchMs() / settings.horizonSlots();
            saving[i] = p.weights().delay() * (m.requests() * (m.cloudMs() - m.inferenceMs()) - switchMs)
                    - p.weights().storage() * m.storage() - p.weights().gpu() * m.gpuMemory();
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(saving[b] / Math.max(p.models().get(b).gpuMemory(), 1e-9),
                saving[a] / Math.max(p.models().get(a).gpuMemory(), 1e-9)));
        boolean[] x = new boolean[n];
        for (int i : order) {
            if (saving[i] > 0) {
                x[i] = true;
                if (!DeploymentCost.feasible(p, x)) {
                    x[i] = false;
                }
            }
        }
        return x;
    }

    /** Tournament selection: the fittest (cheapest) of {@code tournament} individuals drawn at random. */
    private int tournament(double[] fit, SplittableRandom rnd) {
        int winner = rnd.nextInt(fit.length);
        for (int i = 1; i < settings.tournament(); i++) {
            int c = rnd.nextInt(fit.length);
            if (fit[c] < fit[winner]) {
                winner = c;
            }
        }
        return winner;
    }

    /** Uniform crossover: each gene from either parent with probability 1/2. */
    static boolean[] uniformCrossover(boolean[] a, boolean[] b, SplittableRandom rnd) {
        boolean[] c = new boolean[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = rnd.nextBoolean() ? a[i] : b[i];
        }
        return c;
    }

    /** Bit-flip mutation with a per-gene probability. */
    static void mutate(boolean[] x, double rate, SplittableRandom rnd) {
        for (int i = 0; i < x.length; i++) {
            if (rnd.nextDouble() < rate) {
                x[i] = !x[i];
            }
        }
    }

    @Override
    public String toString() {
        return "GeneticDeployment" + Arrays.asList(settings);
    }
}
