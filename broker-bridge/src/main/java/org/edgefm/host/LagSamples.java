package org.edgefm.host;

import java.util.Arrays;
import org.edgefm.control.stats.Quantiles;

/**
 * Every decision lag of the run (up to {@value #MAX} slots), for whole-run percentiles
 * ({@link Quantiles}), where the Prometheus timer keeps only the last 20 to 30 s. Part of
 * {@link HostMeters}; thread-safe.
 */
final class LagSamples {
    private static final int MAX = 1 << 20;

    private long[] samples = new long[1024];
    private int count;

    /** Adds one slot's lag in ns (beyond {@value #MAX} slots, none is kept). */
    synchronized void add(long nanos) {
        if (count < MAX) {
            if (count == samples.length) {
                samples = Arrays.copyOf(samples, count * 2);
            }
            samples[count++] = nanos;
        }
    }

    /**
     * Decision lag of the slots after the first {@code skip}.
     *
     * @param skip slots to leave out, e.g. the count of an earlier summary (warm-up)
     */
    synchronized HostMeters.LagSummary summary(long skip) {
        return summary(skip, count);
    }

    /**
     * Decision lag of the slots after the first {@code skip} and up to the first {@code upTo} (a window that
     * has ended: later slots, as those of a fleet going away, are not in it).
     */
    synchronized HostMeters.LagSummary summary(long skip, long upTo) {
        int to = (int) Math.min(count, Math.max(0, upTo));
        int from = (int) Math.min(to, Math.max(0, skip));
        long[] s = Arrays.copyOfRange(samples, from, to);
        if (s.length == 0) {
            return new HostMeters.LagSummary(0, Double.NaN, Double.NaN, Double.NaN);
        }
        double[] ms = new double[s.length];
        double max = 0;
        for (int i = 0; i < s.length; i++) {
            ms[i] = Math.max(0, s[i] / 1e6);
            max = Math.max(max, ms[i]);
        }
        double[] q = Quantiles.of(ms, 0.5, 0.99);
        return new HostMeters.LagSummary(s.length, q[0], q[1], max);
    }
}
