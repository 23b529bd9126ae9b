package org.edgefm.planner.lymdo;

/**
 * A partition decision with its resource allocation and what the model predicts for it.
 *
 * @param cuts      cut point {@code l_i} per UE
 * @param localShare  {@code φ_i}: local CPU frequency as a share of the maximum
 * @param txShare     {@code ψ_i}: transmit power as a share of the maximum
 * @param bandwidth   {@code β_i}: share of the uplink pool
 * @param edgeShare   {@code η_i}: share of the edge server's compute
 * @param delayMs     {@code D_i}: predicted end-to-end delay (infinite when infeasible)
 * @param energyJ     {@code E_i}: predicted energy in the slot
 * @param objective   {@code V Σ n_i D_i + Σ Z_i E_i} (infinite when infeasible)
 * @param infeasibility null when feasible, else which stage is overloaded
 */
public record Allocation(int[] cuts, double[] localShare, double[] txShare, double[] bandwidth, double[] edgeShare,
        double[] delayMs, double[] energyJ, double objective, String infeasibility) {

    /** True when every stage of every UE is stable. */
    public boolean feasible() {
        return infeasibility == null;
    }

    /** The rate-weighted mean delay {@code Σ λ_i D_i / Σ λ_i} over the UEs of {@code p}. */
    public double meanDelayMs(SlotProblem p) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < p.size(); i++) {
            num += p.ues().get(i).ratePerMs() * delayMs[i];
            den += p.ues().get(i).ratePerMs();
        }
        return den == 0 ? 0 : num / den;
    }
}
