package org.edgefm.planner.twotier;

/**
 * Effective capacity (Wu and Negi) of a service process, in MB/ms: the largest constant arrival
 * rate the process can serve with a delay-bound violation probability decaying as
 * {@code exp(−θ·EC(θ)·D)}.
 *
 * <p>All formulas take the per-slot service {@code s = f·Δt} as i.i.d. across intervals of length
 * {@code Δt} (papers.md 1.5, a reconstruction: paper 1's Sec. III-B was not retrievable).
 */
public final class EffectiveCapacity {
    private EffectiveCapacity() {
    }

    /**
     * Closed form for a Gamma rate {@code f ~ Gamma(k, σ)}: {@code E[e^{−θfΔt}] = (1+θσΔt)^{−k}}, so
     * {@code EC(θ) = k/(θΔt) · ln(1 + θσΔt)}; tends to the mean {@code kσ} as θ → 0.
     *
     * @param shape k
     * @param scale σ in MB/ms
     * @param theta θ in 1/MB, {@code > 0}
     * @param dtMs  Δt in ms
     */
    public static double gamma(double shape, double scale, double theta, double dtMs) {
        double z = theta * scale * dtMs;
        return shape / (theta * dtMs) * Math.log1p(z);
    }

    /**
     * Empirical effective capacity from measured rates {@code f_i}:
     * {@code EC(θ) = −1/(θΔt) · ln mean_i exp(−θ f_i Δt)}, evaluated stably (log-sum-exp).
     *
     * @param samples measured rates in MB/ms, at least one
     * @param theta   θ in 1/MB
     * @param dtMs    Δt in ms
     */
    public static double empirical(double[] samples, double theta, double dtMs) {
        double min = Double.POSITIVE_INFINITY;
        for (double f : samples) {
            min = Math.min(min, f);
        }
        double c = theta * dtMs;
        double sum = 0;
        for (double f : samples) {
            sum += Math.exp(-c * (f - min));
        }
        // ln mean e^{-c f} = -c·min + ln(sum/n)
        double lnMean = -c * min + Math.log(sum / samples.length);
        return -lnMean / c;
    }

    /**
     * The statistical deadline check: the largest arrival rate {@code μ} (MB/ms) that {@code x}
     * independent Gamma servers sustain with {@code Pr{delay > D} ≤ ε}. With {@code η ≤ 1} the
     * condition {@code exp(−θ μ D) ≤ ε} at {@code EC_x(θ) = μ} means {@code EC_x(c/μ) ≥ μ} for
     * {@code c = −ln ε / D}; with {@code EC_x = x·EC} the closed form is
     * {@code μ ≤ cσΔt / (exp(cΔt/(x k)) − 1)}.
     *
     * @param shape     k of one server's rate
     * @param scale     σ of one server's rate in MB/ms
     * @param servers   x, at least 1
     * @param epsilon   violation probability ε in (0, 1)
     * @param delayMs   delay budget D in ms, {@code > 0}
     * @param dtMs      Δt in ms
     */
    public static double admissibleRateGamma(double shape, double scale, int servers, double epsilon,
            double delayMs, double dtMs) {
        if (servers <= 0 || delayMs <= 0) {
            return 0;
        }
        double c = -Math.log(epsilon) / delayMs;
        return c * scale * dtMs / Math.expm1(c * dtMs / (servers * shape));
    }

    /**
     * {@link #admissibleRateGamma} for an empirical rate, by bisection on {@code μ} of
     * {@code x·EC(c/μ) ≥ μ}; {@code factor} scales every sample (parallelism, speed).
     *
     * <p>The answer is the one 60 bisection steps from {@code [0, x·mean]} give, to the last bit; most
     * steps are decided without evaluating the check. {@code F(μ) = x·EC(c/μ) − μ} is concave in μ (μ·EC(c/μ)
     * is minus a perspective of the convex log moment-generating function) with {@code F(0+) = x·min f ≥ 0},
     * so the check holds on an interval {@code (0, t]}. A few Newton steps from the right estimate {@code t};
     * two evaluations with a margin above the rounding error of one evaluation then prove it true at
     * {@code t_l} and false at {@code t_h} close around it, and by concavity it holds with the same
     * relative margin at every μ below {@code t_l} and fails at every μ above {@code t_h}. The bisection
     * evaluates only the steps between them, and stops once its interval is two adjacent doubles (every
     * further step repeats one already taken). Where Newton or the proof fails, every step is evaluated.
     */
    public static double admissibleRateEmpirical(double[] samples, double factor, int servers, double epsilon,
            double delayMs, double dtMs) {
        if (servers <= 0 || delayMs <= 0) {
            return 0;
        }
        double c = -Math.log(epsilon) / delayMs;
        double mean = 0;
        for (double f : samples) {
            mean += f;
        }
        mean = mean / samples.length * factor;
        double lo = 0;
        double hi = servers * mean;
        int n = samples.length;
        double min = Double.POSITIVE_INFINITY;
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = samples[i] * factor;
            min = Math.min(min, d[i]);
        }
        for (int i = 0; i < n; i++) {
            d[i] = d[i] - min;
        }
        // the bracket [tl, th] outside which the check is known; an empty one (tl = 0, th = ∞) decides nothing
        double[] bracket = bracket(d, min, servers, c, dtMs, hi);
        double tl = bracket[0];
        double th = bracket[1];
        for (int it = 0; it < 60; it++) {
            double mu = 0.5 * (lo + hi);
            if (mu == lo) {
                // lo and hi are adjacent (or equal): lo never moves again
                return lo;
            }
            boolean holds;
            if (mu <= tl) {
                holds = true;
            } else if (mu >= th) {
                holds = false;
            } else {
                holds = servers * empirical(d, min, c / mu, dtMs) >= mu;
            }
            if (mu == hi) {
                // adjacent doubles, the midpoint rounded up: this step decides the answer for good
                return holds ? mu : lo;
            }
            if (holds) {
                lo = mu;
            } else {
                hi = mu;
            }
        }
        return lo;
    }

    /**
     * {@link #empirical(double[], double, double)} from the samples' minimum and their offsets {@code f − min}
     * (the same operations in the same order, so the same value to the bit).
     */
    private static double empirical(double[] offsets, double min, double theta, double dtMs) {
        double c = theta * dtMs;
        double sum = 0;
        for (double d : offsets) {
            sum += Math.exp(-c * d);
        }
        double lnMean = -c * min + Math.log(sum / offsets.length);
        return -lnMean / c;
    }

    /**
     * {@code {t_l, t_h}}: the check {@code x·EC(c/μ) ≥ μ} proven true with margin at {@code t_l} and false with
     * margin at {@code t_h}, or {@code {0, ∞}} when that fails. The margin is a bound, with room to spare, on the
     * rounding error of one evaluation relative to μ (the sum of n exponentials, its logarithm divided by
     * {@code c·Δt/μ}, times x).
     */
    private static double[] bracket(double[] d, double min, int servers, double c, double dtMs, double hi) {
        double[] none = {0, Double.POSITIVE_INFINITY};
        if (!(hi > 0) || !Double.isFinite(hi)) {
            return none;
        }
        int n = d.length;
        double margin = 16.0 * (n + 8) * 0x1p-52 * (1 + servers / (c * dtMs));
        // Newton from the right on F(μ) = x·EC(c/μ) − μ: concave, so the iterates decrease towards the root
        double x = hi;
        double slope = 0;
        boolean converged = false;
        for (int it = 0; it < 40; it++) {
            double s = c * dtMs / x;
            double sum = 0;
            double weighted = 0;
            for (double v : d) {
                double e = Math.exp(-s * v);
                sum += e;
                weighted += v * e;
            }
            double lnMean = Math.log(sum / n);
            double f = servers * (min - lnMean / s) - x;
            slope = -servers / x * (lnMean / s + weighted / sum) - 1;
            if (!(slope < 0) || !Double.isFinite(f)) {
                return none;
            }
            double next = x - f / slope;
            if (!(next > 0) || !Double.isFinite(next)) {
                return none;
            }
            double step = Math.abs(next - x);
            x = next;
            if (step <= 1e-14 * x) {
                converged = true;
                break;
            }
        }
        if (!converged) {
            return none;
        }
        double delta = Math.min(0.25, 4 * margin / -slope + 1e-15);
        double tl = x * (1 - delta);
        double th = x * (1 + delta);
        if (!(servers * empirical(d, min, c / tl, dtMs) - tl >= margin * tl)
                || !(th - servers * empirical(d, min, c / th, dtMs) >= margin * th)) {
            return none;
        }
        return new double[] {tl, th};
    }
}
