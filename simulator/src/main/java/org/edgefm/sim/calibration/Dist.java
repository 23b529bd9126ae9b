package org.edgefm.sim.calibration;

import java.util.List;
import org.edgefm.api.Check;
import org.edgefm.api.InvalidFieldException;
import org.edgefm.control.stats.Quantiles;

/**
 * A distribution of measured times: each service, queue, hop-overhead and telemetry-age figure of a
 * {@link Calibration}.
 *
 * @param n         how many were measured
 * @param meanMs    their mean, or null without any
 * @param p50Ms     median ({@link Quantiles}), or null
 * @param p95Ms     95th percentile, or null
 * @param p99Ms     99th percentile, or null
 * @param samplesMs the samples (at most {@link Calibration#MAX_SAMPLES}; more were thinned to evenly spaced order statistics)
 */
public record Dist(long n, Double meanMs, Double p50Ms, Double p95Ms, Double p99Ms, double[] samplesMs) {
    /** No measurement. */
    public static final Dist EMPTY = new Dist(0, null, null, null, null, new double[0]);

    /** Validates. */
    public Dist {
        Check.nonNegative(n, "n");
        samplesMs = samplesMs == null ? new double[0] : samplesMs;
        if (samplesMs.length > Calibration.MAX_SAMPLES) {
            throw new InvalidFieldException("samplesMs", samplesMs.length + " samples (expected: at most " + Calibration.MAX_SAMPLES + ")");
        }
        for (int i = 0; i < samplesMs.length; i++) {
            if (!(samplesMs[i] >= 0) || Double.isInfinite(samplesMs[i])) {
                throw new InvalidFieldException("samplesMs[" + i + "]", samplesMs[i] + " (expected: >= 0)");
            }
        }
    }

    /** The distribution of {@code values} (negative ones are clamped to 0: clock granularity). */
    public static Dist of(List<Double> values) {
        double[] v = values.stream().mapToDouble(x -> Math.max(0, x)).sorted().toArray();
        if (v.length == 0) {
            return EMPTY;
        }
        double[] q = Quantiles.of(v, 0.50, 0.95, 0.99);
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        double[] kept = v;
        if (v.length > Calibration.MAX_SAMPLES) {
            kept = new double[Calibration.MAX_SAMPLES];
            for (int i = 0; i < Calibration.MAX_SAMPLES; i++) {
                kept[i] = v[(int) Math.round(i * (v.length - 1) / (double) (Calibration.MAX_SAMPLES - 1))];
            }
        }
        return new Dist(v.length, round(sum / v.length), round(q[0]), round(q[1]), round(q[2]), kept);
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }
}
