package org.edgefm.planner.lymdo;

import java.util.Arrays;
import org.edgefm.api.model.Latency;

/**
 * The resource allocation of LyMDO for fixed cut points (papers.md 4.2 and 5.3 item 5; the paper's
 * own derivation was not retrievable, so this is our reconstruction [I]). Per slot it minimises
 * {@code Σ_i [V n_i D_i + Z_i E_i]} with
 * <ul>
 * <li>{@code D_i = c^L/(φ − λc^L) + d/(β R(ψ) − λd) + c^E/(η − λc^E)} (tandem of M/M/1 stages,
 *     {@link TandemQueue}), {@code R(ψ) = B log2(1 + ψγ)};</li>
 * <li>{@code E_i = n_i [c^L P^L φ² + P^T ψ d / (β R(ψ))] / 1000} J (compute power cubic in the
 *     frequency share, so energy per task is quadratic; transmit energy = power × airtime);</li>
 * <li>{@code Σ η_i ≤ 1}, {@code Σ β_i ≤ 1}, {@code φ_i, ψ_i ∈ (0, 1]}.</li>
 * </ul>
 * The problem separates: the local frequency per UE is a 1-D convex problem
 * ({@code 2 Z P^L φ (φ − λc)² = 1000 V}); the edge CPU split has Kleinrock's square-root closed form
 * {@code η_i = λ_i c_i + (1 − Σ λc) √(n_i c_i) / Σ √(n_j c_j)}; bandwidth and transmit power are
 * solved by block-coordinate descent, bandwidth by the square-root rule (exact when no UE has a
 * positive energy queue, otherwise its KKT condition with one multiplier found by bisection) and
 * power per UE as a 1-D convex problem. Deterministic; no randomness.
 */
public final class ConvexAllocator {
    private static final int BCD_ROUNDS = 40;

    /** Allocates for the given cut points. */
    public Allocation allocate(SlotProblem p, int[] cuts) {
        int n = p.size();
        double[] phi = new double[n];
        double[] psi = new double[n];
        double[] beta = new double[n];
        double[] eta = new double[n];
        Arrays.fill(phi, 1);
        Arrays.fill(psi, 1);
        String infeasible = null;

        // Local CPU frequency: 1-D convex per UE.
        for (int i = 0; i < n && infeasible == null; i++) {
            SlotProblem.Ue u = p.ues().get(i);
            double c = u.profile().local(cuts[i]);
            if (c > 0) {
                double util = u.ratePerMs() * c;
                if (util >= 1) {
                    infeasible = "UE " + u.id() + ": local compute overloaded at cut " + cuts[i] + " (load " + fmt(util) + ")";
                } else {
                    phi[i] = localShare(p.v(), u.queue(), u.localPowerW(), util);
                }
            }
        }
        // Edge CPU: square-root rule.
        if (infeasible == null) {
            infeasible = edgeShares(p, cuts, eta);
        }
        // Uplink bandwidth and transmit power: block-coordinate descent.
        if (infeasible == null) {
            infeasible = uplink(p, cuts, beta, psi);
        }
        return evaluate(p, cuts, phi, psi, beta, eta, infeasible);
    }

    /** Evaluates a given allocation (delays, energies, objective); used by tests and the controller. */
    public static Allocation evaluate(SlotProblem p, int[] cuts, double[] phi, double[] psi, double[] beta, double[] eta,
            String infeasible) {
        int n = p.size();
        double[] delay = new double[n];
        double[] energy = new double[n];
        double obj = 0;
        for (int i = 0; i < n; i++) {
            SlotProblem.Ue u = p.ues().get(i);
            int l = cuts[i];
            double tasks = u.ratePerMs() * p.slotMs();
            double cl = u.profile().local(l);
            double ce = u.profile().edge(l);
            double d = u.profile().uplink(l);
            double dl = TandemQueue.stageDelayMs(cl, phi[i], u.ratePerMs());
            double de = TandemQueue.stageDelayMs(ce, eta[i], u.ratePerMs());
            double dt = 0;
            double airtimeMs = 0;
            if (d > 0) {
                double r = beta[i] * rate(p, u, psi[i]);
                dt = r <= u.ratePerMs() * d ? Double.POSITIVE_INFINITY : d / (r - u.ratePerMs() * d);
                airtimeMs = r > 0 ? tasks * d / r : Double.POSITIVE_INFINITY;
            }
            delay[i] = TandemQueue.endToEndMs(dl, dt, de);
            // Busy times cannot exceed the slot: an overloaded stage burns at most a full slot of power.
            double busyLocalMs = cl > 0 ? Math.min(tasks * cl / phi[i], p.slotMs()) : 0;
            double busyTxMs = Math.min(airtimeMs, p.slotMs());
            energy[i] = (busyLocalMs * u.localPowerW() * phi[i] * phi[i] * phi[i] + busyTxMs * u.txPowerW() * psi[i]) / 1000.0;
            obj += tasks == 0 ? 0 : p.v() * tasks * delay[i] + u.queue() * energy[i];
        }
        if (Double.isNaN(obj) || Double.isInfinite(obj)) {
            obj = Double.POSITIVE_INFINITY;
            if (infeasible == null) {
                infeasible = "a stage is overloaded";
            }
        }
        return new Allocation(cuts.clone(), phi.clone(), psi.clone(), beta.clone(), eta.clone(), delay, energy, obj,
                infeasible);
    }

    /**
     * Local frequency share: minimises {@code V n c/(φ − u) + Z n c P φ²/1000} over {@code φ ∈ (u, 1]}
     * ({@code u = λ c}); the derivative vanishes where {@code 2 Z P φ (φ − u)² = 1000 V}, whose left
     * side increases on {@code (u, 1]}, so the root is found by bisection (or φ = 1 if none).
     */
    static double localShare(double v, double z, double powerW, double util) {
        double coef = 2 * z * powerW / 1000.0;
        if (coef * 1 * (1 - util) * (1 - util) <= v) {
            return 1.0;
        }
        double lo = util;
        double hi = 1;
        for (int k = 0; k < 200 && hi - lo > 1e-15; k++) {
            double mid = 0.5 * (lo + hi);
            if (coef * mid * (mid - util) * (mid - util) > v) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }

    /** Kleinrock's square-root assignment of the edge CPU (closed form); returns an infeasibility or null. */
    static String edgeShares(SlotProblem p, int[] cuts, double[] eta) {
        double load = 0;
        double sumSqrt = 0;
        int users = 0;
        for (int i = 0; i < p.size(); i++) {
            SlotProblem.Ue u = p.ues().get(i);
            double c = u.profile().edge(cuts[i]);
            if (c > 0) {
                users++;
                load += u.ratePerMs() * c;
                sumSqrt += Math.sqrt(u.ratePerMs() * p.slotMs() * c);
            }
        }
        if (users == 0) {
            return null;
        }
        if (load >= 1) {
            return "edge compute overloaded (load " + fmt(load) + ")";
        }
        for (int i = 0; i < p.size(); i++) {
            SlotProblem.Ue u = p.ues().get(i);
            double c = u.profile().edge(cuts[i]);
            if (c > 0) {
                double w = Math.sqrt(u.ratePerMs() * p.slotMs() * c);
                eta[i] = u.ratePerMs() * c + (1 - load) * (sumSqrt > 0 ? w / sumSqrt : 1.0 / users);
            }
        }
        return null;
    }

    /** Bandwidth shares and transmit powers by block-coordinate descent; returns an infeasibility or null. */
    static String uplink(SlotProblem p, int[] cuts, double[] beta, double[] psi) {
        int n = p.size();
        boolean any = false;
        for (int i = 0; i < n; i++) {
            SlotProblem.Ue u = p.ues().get(i);
            if (u.profile().uplink(cuts[i]) > 0) {
                any = true;
                if (u.snr() <= 0) {
                    return "UE " + u.id() + ": no channel (SNR 0) but cut " + cuts[i] + " sends data";
                }
            }
        }
        if (!any) {
            return null;
        }
        double prev = Double.POSITIVE_INFINITY;
        for (int round = 0; round < BCD_ROUNDS; round++) {
            String bad = bandwidthShares(p, cuts, psi, beta);
            if (bad != null) {
                return bad;
            }
            for (int i = 0; i < n; i++) {
                if (p.ues().get(i).profile().uplink(cuts[i]) > 0) {
                    psi[i] = txShare(p, p.ues().get(i), cuts[i], beta[i]);
                }
            }
            double obj = uplinkObjective(p, cuts, beta, psi);
            if (prev - obj <= 1e-10 * Math.abs(obj)) {
                break;
            }
            prev = obj;
        }
        return null;
    }

    /** The uplink part of the slot objective: delay and transmit-energy terms. */
    static double uplinkObjective(SlotProblem p, int[] cuts, double[] beta, double[] psi) {
        double s = 0;
        for (int i = 0; i < p.size(); i++) {
            SlotProblem.Ue u = p.ues().get(i);
            double d = u.profile().uplink(cuts[i]);
            if (d > 0) {
                s += uplinkTerm(p, u, d, beta[i], psi[i]);
            }
        }
        return s;
    }

    private static double uplinkTerm(SlotProblem p, SlotProblem.Ue u, double d, double b, double ps) {
        double tasks = u.ratePerMs() * p.slotMs();
        double r = b * rate(p, u, ps);
        if (r <= u.ratePerMs() * d) {
            return Double.POSITIVE_INFINITY;
        }
        return p.v() * tasks * d / (r - u.ratePerMs() * d) + u.queue() * tasks * u.txPowerW() * ps * d / r / 1000.0;
    }

    /**
     * Bandwidth for fixed powers. Per UE the objective is {@code a/(β − b) + k/β} with
     * {@code a = V n d / R}, {@code b = λ d / R}, {@code k = Z n P^T ψ d / (1000 R)}. With every
     * {@code k = 0} the square-root rule is exact: {@code β_i = b_i + (1 − Σ b) √a_i / Σ √a_j}.
     * Otherwise the KKT condition {@code a/(β − b)² + k/β² = ν} is solved per UE for a multiplier
     * {@code ν} found by bisection so that the shares sum to 1.
     */
    static String bandwidthShares(SlotProblem p, int[] cuts, double[] psi, double[] beta) {
        int n = p.size();
        double[] a = new double[n];
        double[] b = new double[n];
        double[] k = new double[n];
        boolean[] on = new boolean[n];
        double sumB = 0;
        double sumSqrtA = 0;
        boolean energy = false;
        int users = 0;
        for (int i = 0; i < n; i++) {
            SlotProblem.Ue u = p.ues().get(i);
            double d = u.profile().uplink(cuts[i]);
            if (d <= 0) {
                continue;
            }
            on[i] = true;
            users++;
            double r = rate(p, u, psi[i]);
            double tasks = u.ratePerMs() * p.slotMs();
            a[i] = p.v() * tasks * d / r;
            b[i] = u.ratePerMs() * d / r;
            k[i] = u.queue() * tasks * u.txPowerW() * psi[i] * d / (1000.0 * r);
            energy |= k[i] > 0;
            sumB += b[i];
            sumSqrtA += Math.sqrt(a[i]);
        }
        if (sumB >= 1) {
            return "uplink overloaded (needs " + fmt(sumB) + " of the bandwidth at these powers)";
        }
        if (!energy || users == 1) {
            for (int i = 0; i < n; i++) {
                if (on[i]) {
                    beta[i] = b[i] + (1 - sumB) * (sumSqrtA > 0 ? Math.sqrt(a[i]) / sumSqrtA : 1.0 / users);
                }
            }
            return null;
        }
        // Without energy terms the multiplier is ν0 = (Σ√a / (1 − Σb))²; energy terms only raise it.
        double lo = Math.pow(sumSqrtA / (1 - sumB), 2);
        if (!(lo > 0)) {
            lo = 1e-300;
        }
        double hi = lo * 2;
        while (sumBeta(a, b, k, on, hi) > 1 && hi < 1e300) {
            hi *= 4;
        }
        for (int it = 0; it < 100 && hi / lo > 1 + 1e-11; it++) {
            double mid = Math.sqrt(lo * hi);
            if (sumBeta(a, b, k, on, mid) > 1) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double total = 0;
        for (int i = 0; i < n; i++) {
            if (on[i]) {
                beta[i] = betaFor(a[i], b[i], k[i], hi);
                total += beta[i];
            }
        }
        // Spread any rounding remainder so that the shares use the whole pool (the objective decreases in each β).
        double spare = Math.max(0, 1 - total);
        for (int i = 0; i < n; i++) {
            if (on[i]) {
                beta[i] += spare / users;
            }
        }
        return null;
    }

    private static double sumBeta(double[] a, double[] b, double[] k, boolean[] on, double nu) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            if (on[i]) {
                s += betaFor(a[i], b[i], k[i], nu);
            }
        }
        return s;
    }

    /** The β > b with {@code a/(β − b)² + k/β² = ν} (the left side decreases in β): safeguarded Newton. */
    static double betaFor(double a, double b, double k, double nu) {
        double lo = b;
        double hi = b + Math.sqrt(2 * a / nu) + Math.sqrt(2 * k / nu) + 1e-300;
        double x = Math.max(b + Math.sqrt(a / nu), Math.sqrt(k / nu));
        if (!(x > lo && x < hi)) {
            x = 0.5 * (lo + hi);
        }
        for (int it = 0; it < 100; it++) {
            double u = x - b;
            double g = a / (u * u) + k / (x * x) - nu;
            if (g > 0) {
                lo = x;
            } else {
                hi = x;
            }
            double dg = -2 * a / (u * u * u) - 2 * k / (x * x * x);
            double next = x - g / dg;
            if (!(next > lo && next < hi)) {
                next = 0.5 * (lo + hi);
            }
            if (Math.abs(next - x) <= 1e-14 * x || hi - lo <= 1e-15 * hi) {
                return next;
            }
            x = next;
        }
        return x;
    }

    /**
     * Transmit power share for a fixed bandwidth: minimises the UE's uplink term, convex in ψ (a
     * convex decreasing delay term plus the convex increasing {@code ψ / log2(1 + ψγ)}), by golden
     * section over the stable range.
     */
    static double txShare(SlotProblem p, SlotProblem.Ue u, int cut, double b) {
        double d = u.profile().uplink(cut);
        if (u.queue() <= 0 || u.txPowerW() <= 0) {
            return 1.0;                     // no energy pressure: full power is fastest
        }
        // Smallest stable power: β B log2(1 + ψγ) > λ d.
        double need = u.ratePerMs() * d / (b * p.bandwidthMbPerMs());
        double lo = (Math.pow(2, need) - 1) / u.snr();
        if (lo >= 1) {
            return 1.0;
        }
        lo = lo + 1e-12 * (1 - lo) + 1e-15;
        double hi = 1;
        final double g = (Math.sqrt(5) - 1) / 2;
        double x1 = hi - g * (hi - lo);
        double x2 = lo + g * (hi - lo);
        double f1 = uplinkTerm(p, u, d, b, x1);
        double f2 = uplinkTerm(p, u, d, b, x2);
        for (int it = 0; it < 64 && hi - lo > 1e-12; it++) {
            if (f1 <= f2) {
                hi = x2;
                x2 = x1;
                f2 = f1;
                x1 = hi - g * (hi - lo);
                f1 = uplinkTerm(p, u, d, b, x1);
            } else {
                lo = x1;
                x1 = x2;
                f1 = f2;
                x2 = lo + g * (hi - lo);
                f2 = uplinkTerm(p, u, d, b, x2);
            }
        }
        double x = 0.5 * (lo + hi);
        return uplinkTerm(p, u, d, b, 1.0) <= uplinkTerm(p, u, d, b, x) ? 1.0 : x;
    }

    /** {@code R(ψ) = B log2(1 + ψγ)} in MB/ms for the whole pool. */
    static double rate(SlotProblem p, SlotProblem.Ue u, double psi) {
        return p.bandwidthMbPerMs() * Latency.spectralEfficiency(psi * u.snr());
    }

    private static String fmt(double x) {
        return String.format(java.util.Locale.ROOT, "%.3f", x);
    }
}
