package org.edgefm.planner.lymdo;

import java.util.List;

/**
 * The deterministic per-slot problem of LyMDO after the Lyapunov decoupling (papers.md 4.2 [I]):
 * choose a cut point per UE and the resource allocation that minimise
 * {@code V · Σ_i n_i D_i + Σ_i Z_i E_i}, where {@code n_i} is the expected tasks of UE {@code i}
 * in the slot, {@code D_i} its end-to-end delay through the tandem queue and {@code E_i} its energy.
 *
 * @param ues             the UEs
 * @param v               the Lyapunov trade-off {@code V} (J per task·ms of delay)
 * @param slotMs          slot length Δt in ms
 * @param bandwidthMbPerMs the uplink pool {@code B} in MB/ms per bit/s/Hz, shared by bandwidth shares
 */
public record SlotProblem(List<Ue> ues, double v, double slotMs, double bandwidthMbPerMs) {
    /** Validates and copies. */
    public SlotProblem {
        ues = List.copyOf(ues);
        if (!(v >= 0) || !(slotMs > 0) || !(bandwidthMbPerMs > 0)) {
            throw new IllegalArgumentException("V " + v + ", slotMs " + slotMs + ", bandwidth " + bandwidthMbPerMs
                    + " (expected: V >= 0, others > 0)");
        }
    }

    /** Number of UEs. */
    public int size() {
        return ues.size();
    }

    /** This problem with other UE states (same V, slot and bandwidth). */
    public SlotProblem withUes(List<Ue> other) {
        return new SlotProblem(other, v, slotMs, bandwidthMbPerMs);
    }

    /**
     * One UE's state in the slot.
     *
     * @param id            user id
     * @param ratePerMs     expected arrival rate {@code λ_i} in tasks per ms
     * @param snr           channel SNR {@code γ_i} at full transmit power (linear)
     * @param queue         the virtual energy queue {@code Z_i} (J)
     * @param profile       the stream's partition profile
     * @param localPowerW   device compute power at full frequency {@code P^L} (W); power scales with
     *                      the cube of the frequency share
     * @param txPowerW      maximum transmit power {@code P^T} (W)
     * @param energyBudgetJ long-term energy budget per slot {@code Ē_i} (J)
     */
    public record Ue(String id, double ratePerMs, double snr, double queue, PartitionProfile profile,
            double localPowerW, double txPowerW, double energyBudgetJ) {
        /** Validates every field. */
        public Ue {
            double[] all = {ratePerMs, snr, queue, localPowerW, txPowerW, energyBudgetJ};
            for (double x : all) {
                if (!(x >= 0) || Double.isInfinite(x)) {
                    throw new IllegalArgumentException("UE " + id + ": " + x + " (expected: finite and >= 0)");
                }
            }
        }

        /** This UE with another virtual queue value. */
        public Ue withQueue(double z) {
            return new Ue(id, ratePerMs, snr, z, profile, localPowerW, txPowerW, energyBudgetJ);
        }

        /** This UE with another rate and SNR. */
        public Ue withLoad(double rate, double gamma) {
            return new Ue(id, rate, gamma, queue, profile, localPowerW, txPowerW, energyBudgetJ);
        }
    }
}
