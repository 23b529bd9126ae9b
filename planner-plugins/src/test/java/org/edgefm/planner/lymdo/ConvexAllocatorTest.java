package org.edgefm.planner.lymdo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ConvexAllocatorTest {

    /**
     * A numeric optimiser independent of the closed forms: cyclic coordinate descent with golden
     * section over every variable of the slot problem (φ_i, ψ_i, and the splits β_1 = 1 − β_2,
     * η_1 = 1 − η_2 for two UEs), polished by Nelder-Mead with restarts, from several starts.
     */
    static double numericOptimum(SlotProblem p, int[] cuts, SplittableRandom r) {
        double best = Double.POSITIVE_INFINITY;
        for (int start = 0; start < 3; start++) {
            // Start: the best stable point of a coarse grid over the splits at full speed, randomly perturbed.
            double[] x = gridStart(p, cuts);
            if (start > 0) {
                for (int k = 0; k < x.length; k++) {
                    double y = Math.min(1, Math.max(1e-3, x[k] + 0.1 * (r.nextDouble() - 0.5)));
                    double[] t = x.clone();
                    t[k] = y;
                    if (Double.isFinite(objective(p, cuts, t))) {
                        x = t;
                    }
                }
            }
            double f = objective(p, cuts, x);
            for (int sweep = 0; sweep < 100; sweep++) {
                for (int k = 0; k < x.length; k++) {
                    final int kk = k;
                    double[] y = x.clone();
                    double lo = 1e-9;
                    double hi = 1 - 1e-12;
                    double g = (Math.sqrt(5) - 1) / 2;
                    for (int it = 0; it < 80; it++) {
                        double a = hi - g * (hi - lo);
                        double b = lo + g * (hi - lo);
                        y[kk] = a;
                        double fa = objective(p, cuts, y);
                        y[kk] = b;
                        double fb = objective(p, cuts, y);
                        if (fa <= fb) {
                            hi = b;
                        } else {
                            lo = a;
                        }
                    }
                    y[kk] = 0.5 * (lo + hi);
                    double fy = objective(p, cuts, y);
                    y[kk] = 1 - 1e-12;
                    double fEdge = objective(p, cuts, y);
                    if (fEdge < fy) {
                        fy = fEdge;
                    } else {
                        y[kk] = 0.5 * (lo + hi);
                    }
                    if (fy < f) {
                        f = fy;
                        x = y;
                    }
                }
            }
            best = Math.min(best, nelderMead(p, cuts, x));
        }
        return best;
    }

    /** Nelder-Mead with restarts on the box (0, 1]^6 (points outside cost +inf), polishing a start point. */
    static double nelderMead(SlotProblem p, int[] cuts, double[] start) {
        int d = start.length;
        double[] bestX = start.clone();
        double bestF = box(p, cuts, bestX);
        for (int restart = 0; restart < 8; restart++) {
            double[][] simplex = new double[d + 1][];
            double[] f = new double[d + 1];
            simplex[0] = bestX.clone();
            for (int i = 0; i < d; i++) {
                double[] y = bestX.clone();
                y[i] = y[i] > 0.5 ? y[i] - 0.05 : y[i] + 0.05;
                simplex[i + 1] = y;
            }
            for (int i = 0; i <= d; i++) {
                f[i] = box(p, cuts, simplex[i]);
            }
            for (int it = 0; it < 4000; it++) {
                Integer[] idx = new Integer[d + 1];
                for (int i = 0; i <= d; i++) {
                    idx[i] = i;
                }
                final double[] ff = f;
                java.util.Arrays.sort(idx, (a, b) -> Double.compare(ff[a], ff[b]));
                double[][] s2 = new double[d + 1][];
                double[] f2 = new double[d + 1];
                for (int i = 0; i <= d; i++) {
                    s2[i] = simplex[idx[i]];
                    f2[i] = f[idx[i]];
                }
                simplex = s2;
                f = f2;
                double[] c = new double[d];
                for (int i = 0; i < d; i++) {
                    for (int j = 0; j < d; j++) {
                        c[j] += simplex[i][j] / d;
                    }
                }
                double[] xr = lerp(c, simplex[d], -1);
                double fr = box(p, cuts, xr);
                if (fr < f[0]) {
                    double[] xe = lerp(c, simplex[d], -2);
                    double fe = box(p, cuts, xe);
                    simplex[d] = fe < fr ? xe : xr;
                    f[d] = Math.min(fe, fr);
                } else if (fr < f[d - 1]) {
                    simplex[d] = xr;
                    f[d] = fr;
                } else {
                    double[] xc = lerp(c, simplex[d], 0.5);
                    double fc = box(p, cuts, xc);
                    if (fc < f[d]) {
                        simplex[d] = xc;
                        f[d] = fc;
                    } else {
                        for (int i = 1; i <= d; i++) {
                            simplex[i] = lerp(simplex[0], simplex[i], 0.5);
                            f[i] = box(p, cuts, simplex[i]);
                        }
                    }
                }
            }
            for (int i = 0; i <= d; i++) {
                if (f[i] < bestF) {
                    bestF = f[i];
                    bestX = simplex[i].clone();
                }
            }
        }
        return bestF;
    }

    static double[] lerp(double[] c, double[] x, double t) {
        double[] y = new double[c.length];
        for (int i = 0; i < c.length; i++) {
            y[i] = c[i] + t * (x[i] - c[i]);
        }
        return y;
    }

    static double box(SlotProblem p, int[] cuts, double[] x) {
        for (double v : x) {
            if (!(v > 0 && v <= 1)) {
                return Double.POSITIVE_INFINITY;
            }
        }
        return objective(p, cuts, x);
    }

    static double[] gridStart(SlotProblem p, int[] cuts) {
        double[] best = {1, 1, 1, 1, 0.5, 0.5};
        double f = objective(p, cuts, best);
        for (int b = 1; b < 100; b++) {
            for (int e = 1; e < 100; e++) {
                double[] x = {1, 1, 1, 1, b / 100.0, e / 100.0};
                double g = objective(p, cuts, x);
                if (g < f) {
                    f = g;
                    best = x;
                }
            }
        }
        return best;
    }

    /** x = [φ1, φ2, ψ1, ψ2, β1, η1]. */
    static double objective(SlotProblem p, int[] cuts, double[] x) {
        double[] phi = {x[0], x[1]};
        double[] psi = {x[2], x[3]};
        double[] beta = {x[4], 1 - x[4]};
        double[] eta = {x[5], 1 - x[5]};
        return ConvexAllocator.evaluate(p, cuts, phi, psi, beta, eta, null).objective();
    }

    @Test
    void allocate_twoUes_matchesANumericOptimiser() {
        SplittableRandom r = new SplittableRandom(11);
        ConvexAllocator alloc = new ConvexAllocator();
        int checked = 0;
        for (int k = 0; k < 60 && checked < 10; k++) {
            List<SlotProblem.Ue> ues = new ArrayList<>();
            for (SlotProblem.Ue u : LymdoFixtures.draw(LymdoFixtures.ues(2, 20, 1.0), r, 100)) {
                ues.add(u.withLoad(Math.max(u.ratePerMs(), 0.005), u.snr()).withQueue(r.nextDouble() < 0.3 ? 0 : 20 * r.nextDouble()));
            }
            SlotProblem p = new SlotProblem(ues, 0.01, LymdoFixtures.SLOT_MS, LymdoFixtures.POOL);
            int[] cuts = {1 + r.nextInt(3), r.nextInt(4)};   // both UEs use all three resources or at least two
            Allocation a = alloc.allocate(p, cuts);
            if (!a.feasible()) {
                continue;
            }
            double numeric = numericOptimum(p, cuts, r);
            assertThat(a.objective()).as("case %d", k).isLessThanOrEqualTo(numeric * (1 + 1e-6));
            assertThat(a.objective()).as("case %d", k).isGreaterThanOrEqualTo(numeric * (1 - 1e-3));
            checked++;
        }
        assertThat(checked).isEqualTo(10);
    }

    @Test
    void edgeShares_squareRootRule_beatsEveryPerturbedSplit() {
        SplittableRandom r = new SplittableRandom(3);
        ConvexAllocator alloc = new ConvexAllocator();
        for (int k = 0; k < 20; k++) {
            SlotProblem p = new SlotProblem(LymdoFixtures.ues(4, 5 + 10 * r.nextDouble(), 2), 0.01, 100, 1);
            int[] cuts = {0, 1, 2, 3};
            Allocation a = alloc.allocate(p, cuts);
            assertThat(a.feasible()).isTrue();
            double sum = 0;
            for (double e : a.edgeShare()) {
                sum += e;
            }
            assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
            for (int t = 0; t < 200; t++) {
                int i = r.nextInt(4);
                int j = (i + 1 + r.nextInt(3)) % 4;
                double delta = (r.nextDouble() - 0.5) * 0.02;
                double[] eta = a.edgeShare();
                eta[i] += delta;
                eta[j] -= delta;
                double other = ConvexAllocator.evaluate(p, cuts, a.localShare(), a.txShare(), a.bandwidth(), eta, null)
                        .objective();
                assertThat(a.objective()).isLessThanOrEqualTo(other + 1e-9 * Math.abs(other));
            }
        }
    }

    @Test
    void localShare_energyPressure_lowersTheFrequencyAndNoPressureUsesFullSpeed() {
        assertThat(ConvexAllocator.localShare(0.01, 0, 5, 0.3)).isEqualTo(1.0);
        double phi = ConvexAllocator.localShare(0.01, 50, 5, 0.3);
        assertThat(phi).isBetween(0.3, 1.0);
        // Stationarity: 2 Z P φ (φ − u)² / 1000 = V.
        assertThat(2 * 50 * 5 * phi * (phi - 0.3) * (phi - 0.3) / 1000).isCloseTo(0.01, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void allocate_overloadedEdge_isInfeasibleWithAReason() {
        SlotProblem p = new SlotProblem(LymdoFixtures.ues(3, 400, 1), 0.01, 100, 1);
        Allocation a = new ConvexAllocator().allocate(p, new int[] {0, 0, 0});
        assertThat(a.feasible()).isFalse();
        assertThat(a.infeasibility()).contains("overloaded");
        assertThat(a.objective()).isInfinite();
    }

    @Test
    void backlog_stableStage_drainsAndOverloadedStage_grows() {
        TandemQueue.Backlog ok = TandemQueue.Backlog.EMPTY;
        TandemQueue.Backlog bad = TandemQueue.Backlog.EMPTY;
        for (int t = 0; t < 100; t++) {
            ok = ok.advance(2, 0.03, 0.05, 0.1, 100);     // capacities 3, 5, 10 tasks per slot
            bad = bad.advance(2, 0.03, 0.015, 0.1, 100);  // uplink 1.5 tasks per slot < 2 arriving
        }
        assertThat(ok.total()).isLessThanOrEqualTo(2.0 + 1e-9);
        assertThat(bad.uplink()).isGreaterThan(40);
        assertThat(TandemQueue.stageDelayMs(10, 0.5, 0.04)).isEqualTo(10 / (0.5 - 0.4));
        assertThat(TandemQueue.stageDelayMs(10, 0.5, 0.05)).isInfinite();
    }
}
