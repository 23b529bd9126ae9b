package org.edgefm.control.stats;

import java.util.Arrays;

/**
 * The one definition of a mean with its 95 % confidence interval over independent runs (seeds), used
 * by {@code simulate}'s tables, its results document and the trial's: Student's t interval
 * {@code mean ± t_{0.975, n-1} · s / √n}, with {@code t} from a table to three decimals for
 * {@code n - 1 <= 30} degrees of freedom and the normal 1.96 beyond.
 */
public final class MeanIntervals {
    private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201,
            2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
            2.052, 2.048, 2.045, 2.042};

    private MeanIntervals() {
    }

    /**
     * Mean and half-width of the 95 % confidence interval of the values (NaN ones ignored):
     * {@code {NaN, NaN}} without values, half-width 0 for one value.
     */
    public static double[] meanCi95(double[] x) {
        double[] v = Arrays.stream(x).filter(d -> !Double.isNaN(d)).toArray();
        if (v.length == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double mean = Arrays.stream(v).average().orElse(Double.NaN);
        if (v.length == 1) {
            return new double[] {mean, 0};
        }
        double ss = 0;
        for (double d : v) {
            ss += (d - mean) * (d - mean);
        }
        double sd = Math.sqrt(ss / (v.length - 1));
        return new double[] {mean, t975(v.length - 1) * sd / Math.sqrt(v.length)};
    }

    /** The 0.975 quantile of Student's t with {@code df >= 1} degrees of freedom (table; 1.96 above 30). */
    public static double t975(int df) {
        if (df < 1) {
            throw new IllegalArgumentException("df: " + df + " (expected: >= 1)");
        }
        return df <= T975.length ? T975[df - 1] : 1.96;
    }
}
