package org.edgefm.planner.lymdo;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Lyapunov virtual queues for the long-term energy budgets (papers.md 4.2 [I]):
 * {@code Z_i(t+1) = max(Z_i(t) + E_i(t) − Ē_i, 0)}. A queue that stays bounded means the
 * time-average energy meets the budget: {@code (1/T) Σ_t E_i(t) ≤ Ē_i + Z_i(T)/T}.
 */
public final class EnergyQueues {
    private final Map<String, Double> z = new LinkedHashMap<>();

    /** {@code Z_i}, 0 for a UE not seen yet. */
    public double get(String ue) {
        return z.getOrDefault(ue, 0.0);
    }

    /** Applies one slot: energy {@code E_i(t)} spent against budget {@code Ē_i}, both in J. */
    public void update(String ue, double energyJ, double budgetJ) {
        if (!(energyJ >= 0) || !(budgetJ >= 0) || Double.isInfinite(energyJ)) {
            throw new IllegalArgumentException("energy " + energyJ + " J, budget " + budgetJ + " J for UE " + ue
                    + " (expected: finite and >= 0)");
        }
        z.put(ue, Math.max(get(ue) + energyJ - budgetJ, 0));
    }

    /** A copy of every queue. */
    public Map<String, Double> snapshot() {
        return Map.copyOf(z);
    }
}
