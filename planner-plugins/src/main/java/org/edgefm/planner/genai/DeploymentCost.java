package org.edgefm.planner.genai;

import java.util.ArrayList;
import java.util.List;
import org.edgefm.planner.genai.DeploymentProblem.Model;

/**
 * The per-slot cost and constraints of seed paper 2 as reconstructed in papers.md 3.3 [I]. Each
 * term is a named method whose first comment line states the rule. A decision is a boolean vector
 * {@code x}: {@code x[i]} true when model {@code i} is resident (stored and preloaded) at the edge.
 */
public final class DeploymentCost {
    private static final double TOLERANCE = 1e-9;

    private DeploymentCost() {
    }

    /** The objective {@code w_d · DelayCost(x) + ResourceCost(x)} (papers.md 3.3). */
    public static double cost(DeploymentProblem p, boolean[] x) {
        return p.weights().delay() * delayMs(p, x) + resourceCost(p, x);
    }

    /**
     * The objective per slot over an expected residency of {@code horizonSlots} slots (our
     * reconstruction [I], {@code genai-ga.horizon-slots}): a model switched in now is expected to stay
     * about that long, so its one-off switching delay is spread over that many slots, while the
     * running terms (inference, cloud, resources) are charged per slot at the forecast rates:
     * {@code w_d · (edge + cloud + switching / H) + ResourceCost}. With {@code H = 1} this is
     * {@link #cost}.
     *
     * @throws IllegalArgumentException when {@code horizonSlots < 1}
     */
    public static double horizonCost(DeploymentProblem p, boolean[] x, double horizonSlots) {
        if (!(horizonSlots >= 1) || Double.isInfinite(horizonSlots)) {
            throw new IllegalArgumentException("horizonSlots: " + horizonSlots + " (expected: finite and >= 1)");
        }
        double running = edgeInferenceMs(p, x) + cloudMs(p, x);
        return p.weights().delay() * (running + switchingMs(p, x) / horizonSlots) + resourceCost(p, x);
    }

    /** DelayCost: inference at the edge, plus switching delays, plus requests served by the cloud. */
    public static double delayMs(DeploymentProblem p, boolean[] x) {
        return edgeInferenceMs(p, x) + switchingMs(p, x) + cloudMs(p, x);
    }

    /** Requests for resident models pay inference only: {@code Σ_i x_i λ_i τ^inf_i}. */
    public static double edgeInferenceMs(DeploymentProblem p, boolean[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i]) {
                Model m = p.models().get(i);
                s += m.requests() * m.inferenceMs();
            }
        }
        return s;
    }

    /**
     * A model brought in this slot pays transfer and preload once:
     * {@code Σ_i 1[x_{i,t}=1, x_{i,t−1}=0] (τ^tx_i + τ^io_i)}.
     */
    public static double switchingMs(DeploymentProblem p, boolean[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i] && !p.wasResident(i)) {
                s += p.models().get(i).switchMs();
            }
        }
        return s;
    }

    /** Requests for models not at the edge are served by the cloud: {@code Σ_i (1 − x_i) λ_i d^cloud_i}. */
    public static double cloudMs(DeploymentProblem p, boolean[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            if (!x[i]) {
                Model m = p.models().get(i);
                s += m.requests() * m.cloudMs();
            }
        }
        return s;
    }

    /** ResourceCost: storage and GPU memory held, {@code Σ_i x_i (α_s s_i + α_g g_i)}. */
    public static double resourceCost(DeploymentProblem p, boolean[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i]) {
                Model m = p.models().get(i);
                s += p.weights().storage() * m.storage() + p.weights().gpu() * m.gpuMemory();
            }
        }
        return s;
    }

    /** Storage used: {@code Σ_i x_i s_i}. */
    public static double storageUsed(DeploymentProblem p, boolean[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i]) {
                s += p.models().get(i).storage();
            }
        }
        return s;
    }

    /** GPU memory used: {@code Σ_i x_i g_i}. */
    public static double gpuUsed(DeploymentProblem p, boolean[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i]) {
                s += p.models().get(i).gpuMemory();
            }
        }
        return s;
    }

    /** Energy of the slot: residency {@code Σ_i x_i e_i} plus the preload energy of every switch-in. */
    public static double energyJ(DeploymentProblem p, boolean[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i]) {
                Model m = p.models().get(i);
                s += m.energyJ() + (p.wasResident(i) ? 0 : m.preloadEnergyJ());
            }
        }
        return s;
    }

    /** Capacity: {@code Σ x_i s_i ≤ S_edge}. */
    public static boolean storageFits(DeploymentProblem p, boolean[] x) {
        return storageUsed(p, x) <= p.storageBudget() + TOLERANCE;
    }

    /** Capacity: {@code Σ x_i g_i ≤ G_edge}. */
    public static boolean gpuFits(DeploymentProblem p, boolean[] x) {
        return gpuUsed(p, x) <= p.gpuBudget() + TOLERANCE;
    }

    /** Energy budget: residency plus loading energy {@code ≤ E_max}. */
    public static boolean energyFits(DeploymentProblem p, boolean[] x) {
        return energyJ(p, x) <= p.energyBudget() + TOLERANCE;
    }

    /** True when the decision meets the storage, GPU-memory and energy constraints. */
    public static boolean feasible(DeploymentProblem p, boolean[] x) {
        return x.length == p.size() && storageFits(p, x) && gpuFits(p, x) && energyFits(p, x);
    }

    /** The violated constraints in words, empty when feasible. */
    public static List<String> violations(DeploymentProblem p, boolean[] x) {
        List<String> out = new ArrayList<>();
        if (!storageFits(p, x)) {
            out.add("storage " + storageUsed(p, x) + " > " + p.storageBudget());
        }
        if (!gpuFits(p, x)) {
            out.add("gpu memory " + gpuUsed(p, x) + " > " + p.gpuBudget());
        }
        if (!energyFits(p, x)) {
            out.add("energy " + energyJ(p, x) + " J > " + p.energyBudget() + " J");
        }
        return out;
    }

    /**
     * Repair operator (papers.md 3.3 [I]): while the decision violates a constraint, evict the
     * resident model with the lowest request density {@code λ_i / g_i}. Evicting never increases
     * storage, GPU memory or energy, so the loop ends, at worst with nothing resident (feasible for
     * non-negative budgets). Modifies {@code x} in place and returns it.
     */
    public static boolean[] repair(DeploymentProblem p, boolean[] x) {
        while (!feasible(p, x)) {
            int worst = -1;
            double worstDensity = Double.POSITIVE_INFINITY;
            for (int i = 0; i < x.length; i++) {
                if (x[i]) {
                    double d = density(p.models().get(i));
                    if (d < worstDensity) {
                        worstDensity = d;
                        worst = i;
                    }
                }
            }
            if (worst < 0) {
                break;
            }
            x[worst] = false;
        }
        return x;
    }

    /** {@code λ_i / g_i}, the eviction key of the repair operator (GPU memory floored at 1e-9). */
    static double density(Model m) {
        return m.requests() / Math.max(m.gpuMemory(), 1e-9);
    }
}
