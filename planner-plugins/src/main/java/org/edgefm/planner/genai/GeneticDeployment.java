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
     */
    public record Settings(int population, int generations, double crossoverRate, double mutationRate, int tournament,
            boolean warmStart, long seed) {
        /** Defaults used by the {@code genai-ga} controller. */
        public static final Settings DEFAULT = new Settings(40, 60, 0.9, -1, 3, true, 1L);

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
            fit[i] = DeploymentCost.cost(p, pop[i]);
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
                nextFit[c] = DeploymentCost.cost(p, child);
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
