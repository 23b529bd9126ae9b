package org.edgefm.planner.genai;

/**
 * Chooses which models are resident at the edge in one slot. Implementations may keep state between
 * slots (LRU recency, the GA's random stream) and MUST return a decision that meets every constraint
 * of {@link DeploymentCost#feasible}.
 */
public interface DeploymentPolicy {
    /**
     * Decides for one slot.
     *
     * @param problem  the slot's problem, with the expected requests per model
     * @param observed requests per model counted over the last slot (same order as the models)
     * @param slot     the slot index
     * @return {@code x}: true for every model to keep resident
     */
    boolean[] decide(DeploymentProblem problem, double[] observed, long slot);

    /**
     * Adds models in the given order while every constraint still holds (the common step of the
     * greedy baselines).
     */
    static boolean[] fillInOrder(DeploymentProblem p, int[] order) {
        boolean[] x = new boolean[p.size()];
        for (int i : order) {
            x[i] = true;
            if (!DeploymentCost.feasible(p, x)) {
                x[i] = false;
            }
        }
        return x;
    }
}
