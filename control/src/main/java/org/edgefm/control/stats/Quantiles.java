package org.edgefm.control.stats;

import java.util.Objects;
import org.HdrHistogram.DoubleHistogram;

/**
 * The one quantile definition for every p50/p95/p99 EdgeFM prints (simulator, trial, host): an
 * HdrHistogram {@link DoubleHistogram} with {@value #SIGNIFICANT_DIGITS} significant digits, read
 * with {@link DoubleHistogram#getValueAtPercentile(double)}: the smallest recorded value (to within
 * its bucket, a relative error below 10^-{@value #SIGNIFICANT_DIGITS}, and never outside the
 * samples' minimum and maximum) at or below which a fraction {@code q} of the samples lie, that is
 * the nearest-rank quantile. A simulation's p95 and a trial's
 * p95 are therefore the same statistic.
 */
public final class Quantiles {
    /** Precision of the histogram: values are kept to 4 significant decimal digits. */
    public static final int SIGNIFICANT_DIGITS = 4;

    private Quantiles() {
    }

    /**
     * The {@code q}-quantile of {@code values} (any order), NaN when there are none.
     *
     * @param values samples, each finite and {@code >= 0} (latencies, durations)
     * @param q      in [0, 1]
     * @throws IllegalArgumentException naming the value or {@code q} out of range
     */
    public static double of(double[] values, double q) {
        return of(values, new double[] {q})[0];
    }

    /**
     * Several quantiles of {@code values} from one histogram; NaN each when there are no values.
     *
     * @param values samples, each finite and {@code >= 0}
     * @param qs     each in [0, 1]
     */
    public static double[] of(double[] values, double... qs) {
        Objects.requireNonNull(values, "values is null");
        for (double q : qs) {
            if (!(q >= 0 && q <= 1)) {
                throw new IllegalArgumentException("q: " + q + " (expected: in [0, 1])");
            }
        }
        double[] out = new double[qs.length];
        if (values.length == 0) {
            java.util.Arrays.fill(out, Double.NaN);
            return out;
        }
        DoubleHistogram h = new DoubleHistogram(SIGNIFICANT_DIGITS);
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (double v : values) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("value: " + v + " (expected: finite and >= 0)");
            }
            h.recordValue(v);
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        for (int i = 0; i < qs.length; i++) {
            // the histogram answers with the top of a bucket; never beyond the samples' own range
            out[i] = Math.max(min, Math.min(max, h.getValueAtPercentile(100 * qs[i])));
        }
        return out;
    }
}
