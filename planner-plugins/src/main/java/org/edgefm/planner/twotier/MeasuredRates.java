package org.edgefm.planner.twotier;

import java.util.HashMap;
import java.util.Map;
import org.edgefm.api.model.RateModel;
import org.edgefm.api.model.ServiceSpec;

/**
 * The measured inputs every light sizer shares, so that {@code ec-lyapunov} and the mean-sized
 * baselines plan from the same figures: the parallelism exponent α per pair (from the per-task rates
 * the agents report at the parallelism levels the pair ran at) and the mean per-task service time
 * {@code E[a/f]} (from the measured rates once there are enough, else from the catalog's rate model).
 */
public final class MeasuredRates {
    private final LightSettings s;
    /** Per pair and parallelism level y: count, sum and sum of squares of ln(measured per-task rate). */
    private final Map<String, double[][]> rateLevels = new HashMap<>();

    /** Estimates under the given settings ({@code measure-parallelism-exponent}, {@code min-samples}, α). */
    public MeasuredRates(LightSettings settings) {
        this.s = settings;
    }

    /** Records a pair's measured per-task rates at the parallelism they ran at. */
    public void observe(String node, String service, double[] samples, int parallelism) {
        if (!s.measureAlpha() || samples.length == 0 || parallelism < 1 || parallelism > s.maxParallelism()) {
            return;
        }
        double[][] l = rateLevels.computeIfAbsent(node + "|" + service, k -> new double[s.maxParallelism() + 1][3]);
        for (double f : samples) {
            if (f > 0) {
                double lf = Math.log(f);
                l[parallelism][0]++;
                l[parallelism][1] += lf;
                l[parallelism][2] += lf * lf;
            }
        }
    }

    /**
     * α of a pair: the configured one, or (measured) minus the least-squares slope of the mean
     * {@code ln f} on {@code ln y} over the parallelism levels with at least
     * {@code ec-lyapunov.min-samples} samples each, plus {@code ec-lyapunov.parallelism-exponent-confidence}
     * standard errors of that slope, clamped to [0, 1]; the configured α until two levels are measured.
     */
    public double alpha(String pair) {
        double[][] l = s.measureAlpha() ? rateLevels.get(pair) : null;
        if (l == null) {
            return s.alpha();
        }
        int n = 0;
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (int y = 1; y < l.length; y++) {
            if (l[y][0] >= s.minSamples()) {
                double lx = Math.log(y);
                double ly = l[y][1] / l[y][0];
                n++;
                sx += lx;
                sy += ly;
                sxx += lx * lx;
                sxy += lx * ly;
            }
        }
        if (n < 2) {
            return s.alpha();
        }
        double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        double bound = s.alphaConfidence() > 0 ? s.alphaConfidence() * slopeError(l, sx / n, sxx - sx * sx / n) : 0;
        return Math.max(0, Math.min(1, -slope + bound));
    }

    /**
     * The standard error of the slope of {@link #alpha}: the level means are fitted unweighted, so its variance is
     * {@code Σ ((ln y − mean)/Sxx)² · s_y²/n_y} with {@code s_y²} the sample variance of {@code ln f} at level y.
     * A clamped point estimate is biased below 1 where parallelism gains nothing (the noise of a few samples per
     * level can only lower it), and every sizer reads {@code y^(1−α)} as throughput it can buy: the bound
     * asks the measurements to show the gain before the sizers count on it.
     */
    private double slopeError(double[][] l, double mx, double sxx) {
        double var = 0;
        for (int y = 1; y < l.length; y++) {
            double c = l[y][0];
            if (c >= s.minSamples()) {
                double mean = l[y][1] / c;
                double sampleVar = c > 1 ? Math.max(0, (l[y][2] - c * mean * mean) / (c - 1)) : 0;
                double w = (Math.log(y) - mx) / sxx;
                var += w * w * sampleVar / c;
            }
        }
        return Math.sqrt(var);
    }

    /**
     * {@code E[a/f]} at parallelism 1, in ms: from the measured per-task rates when there are at least
     * {@code min-samples} (each scaled to parallelism 1 by {@code samplesY^α}), else from the catalog's
     * rate model. For a Gamma rate it is {@code a/(σ(k−1))} when {@code k > 1}, heavy-tailed as
     * {@code k} nears 1; it is integrated numerically with rates below 10^−6 of the mean counted at
     * that floor, so it stays finite for {@code k ≤ 1}.
     */
    public double meanTaskMs(ServiceSpec svc, double speed, double[] samples, int samplesY, double alpha) {
        double a = svc.workloadMb();
        if (samples.length >= s.minSamples()) {
            double scale = Math.pow(Math.max(1, samplesY), alpha);
            double sum = 0;
            int n = 0;
            for (double f : samples) {
                if (f > 0) {
                    sum += 1 / (f * scale);
                    n++;
                }
            }
            if (n > 0) {
                return a * sum / n;
            }
        }
        if (svc.rate() instanceof RateModel.Gamma g) {
            return a * meanInverseGamma(g.shape(), g.scale() * speed);
        }
        if (svc.rate() instanceof RateModel.Empirical e) {
            double sum = 0;
            for (double f : e.samples()) {
                sum += 1 / Math.max(f * speed, 1e-12);
            }
            return a * sum / e.samples().length;
        }
        return a / (svc.rate().mean() * speed);
    }

    /** {@code E[1/f]} for {@code f ~ Gamma(k, σ)}, rates below 10^−6 of the mean counted at that floor. */
    static double meanInverseGamma(double shape, double scale) {
        if (shape > 1.5) {
            return 1 / (scale * (shape - 1));
        }
        // the numeric integral below costs thousands of exp/log: every slot asks again for the same few
        // (service, node speed) pairs, so results are kept (bounded: cleared when full)
        java.util.List<Double> key = java.util.List.of(shape, scale);
        Double known = INVERSE_GAMMA.get(key);
        if (known != null) {
            return known;
        }
        double v = meanInverseGammaIntegral(shape, scale);
        if (INVERSE_GAMMA.size() >= 4096) {
            INVERSE_GAMMA.clear();
        }
        INVERSE_GAMMA.put(key, v);
        return v;
    }

    private static final java.util.Map<java.util.List<Double>, Double> INVERSE_GAMMA = new java.util.concurrent.ConcurrentHashMap<>();

    private static double meanInverseGammaIntegral(double shape, double scale) {
        double mean = shape * scale;
        double floor = 1e-6 * mean;
        if (shape > 1.5) {
            return 1 / (scale * (shape - 1));
        }
        // integrate over u = ln f: density of u ∝ f^k e^{−f/σ}; self-normalised on the same grid
        double lo = Math.log(floor);
        double hi = Math.log(mean * 60);
        int n = 4000;
        double h = (hi - lo) / n;
        double w0 = 0;
        double w1 = 0;
        // mass below the floor: ∫_0^floor f^{k−1} e^{−f/σ} df ≈ floor^k / k (e^{−f/σ} ≈ 1 there), in the u-density's units
        double below = Math.pow(floor, shape) / shape;
        for (int i = 0; i <= n; i++) {
            double u = lo + i * h;
            double f = Math.exp(u);
            double w = Math.exp(shape * u - f / scale) * (i == 0 || i == n ? 0.5 : 1) * h;
            w0 += w;
            w1 += w / f;
        }
        return (w1 + below / floor) / (w0 + below);
    }
}
