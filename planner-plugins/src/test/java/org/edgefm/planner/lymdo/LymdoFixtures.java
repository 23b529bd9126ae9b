package org.edgefm.planner.lymdo;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** A small self-contained LyMDO case: a 4-block detector on camera UEs sharing one edge server. */
final class LymdoFixtures {
    static final double SLOT_MS = 100;
    /** 20 MHz of uplink at 1 bit/s/Hz = 2.5 MB/s = 0.0025 MB/ms. */
    static final double POOL = 0.0025;

    private LymdoFixtures() {
    }

    /**
     * Blocks of 8, 10, 10 and 6 ms on the device at full frequency, eight times faster at the edge;
     * the input frame is 0.3 MB, block outputs 0.8, 0.4 and 0.1 MB (early features are larger than
     * the compressed frame, as in fm-catalog A.3).
     */
    static PartitionProfile detector(double deviceScale) {
        double[] block = {8 * deviceScale, 10 * deviceScale, 10 * deviceScale, 6 * deviceScale};
        double[] loc = new double[5];
        double[] edge = new double[5];
        for (int l = 0; l <= 4; l++) {
            for (int k = 0; k < l; k++) {
                loc[l] += block[k];
            }
            for (int k = l; k < 4; k++) {
                edge[l] += block[k] / 8 / deviceScale;
            }
        }
        return new PartitionProfile("detect", List.of("b1", "b2", "b3", "b4"), loc, edge,
                new double[] {0.3, 0.8, 0.4, 0.1, 0});
    }

    /** N UEs at about {@code fps} frames per second, energy budget {@code budgetW} average watts. */
    static List<SlotProblem.Ue> ues(int n, double fps, double budgetW) {
        List<SlotProblem.Ue> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new SlotProblem.Ue("ue" + i, fps / 1000.0, 100, 0, detector(1 + 0.25 * i), 5.0, 0.2,
                    budgetW * SLOT_MS / 1000.0));
        }
        return out;
    }

    /**
     * The same UEs in a random slot: arrival rate uniform in [0.5, 1.5] times the mean (time-varying
     * load) and a Rayleigh-faded SNR with the given mean, both known at the start of the slot as in
     * DROO.
     */
    static List<SlotProblem.Ue> draw(List<SlotProblem.Ue> base, SplittableRandom r, double meanSnr) {
        List<SlotProblem.Ue> out = new ArrayList<>();
        for (SlotProblem.Ue u : base) {
            double rate = u.ratePerMs() * (0.5 + r.nextDouble());
            double snr = -Math.log(1 - r.nextDouble()) * meanSnr;
            out.add(u.withLoad(rate, Math.max(snr, 0.05)));
        }
        return out;
    }

    static int poisson(SplittableRandom r, double mean) {
        double l = Math.exp(-mean);
        int k = 0;
        double p = 1;
        do {
            k++;
            p *= r.nextDouble();
        } while (p > l);
        return k - 1;
    }
}
