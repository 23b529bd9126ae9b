package org.edgefm.planner.genai;

/**
 * The exact optimum of one slot's deployment problem by enumerating all {@code 2^n} decisions; the
 * reference the genetic algorithm is tested against on small instances.
 */
public final class ExhaustiveDeployment implements DeploymentPolicy {
    /** The largest model count enumerated (2^20 decisions). */
    public static final int MAX_MODELS = 20;

    @Override
    public boolean[] decide(DeploymentProblem p, double[] observed, long slot) {
        return solve(p);
    }

    /** The cheapest feasible decision; ties go to the lexicographically first. */
    public static boolean[] solve(DeploymentProblem p) {
        return solve(p, 1);
    }

    /**
     * The feasible decision with the least {@link DeploymentCost#horizonCost} for an expected residency
     * of {@code horizonSlots} slots; ties go to the lexicographically first.
     */
    public static boolean[] solve(DeploymentProblem p, double horizonSlots) {
        int n = p.size();
        if (n > MAX_MODELS) {
            throw new IllegalArgumentException("models: " + n + " (expected: <= " + MAX_MODELS + " for exhaustive search)");
        }
        boolean[] best = new boolean[n];
        double bestCost = DeploymentCost.horizonCost(p, best, horizonSlots);
        boolean[] x = new boolean[n];
        for (long mask = 1; mask < (1L << n); mask++) {
            for (int i = 0; i < n; i++) {
                x[i] = (mask & (1L << i)) != 0;
            }
            if (DeploymentCost.feasible(p, x)) {
                double c = DeploymentCost.horizonCost(p, x, horizonSlots);
                if (c < bestCost - 1e-12) {
                    bestCost = c;
                    best = x.clone();
                }
            }
        }
        return best;
    }
}
