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
        double[] scaled = new double[samples.length];
        for (int i = 0; i < samples.length; i++) {
            scaled[i] = samples[i] * factor;
        }
        for (int it = 0; it < 60; it++) {
            double mu = 0.5 * (lo + hi);
            if (servers * empirical(scaled, c / mu, dtMs) >= mu) {
                lo = mu;
            } else {
                hi = mu;
            }
        }
        return lo;
    }
}
