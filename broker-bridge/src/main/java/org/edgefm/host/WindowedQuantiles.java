package org.edgefm.host;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import org.edgefm.control.stats.Quantiles;

/**
 * Quantiles over a sliding window of recent samples, by the project's one quantile definition
 * ({@link Quantiles}: nearest rank on an HdrHistogram), for the host's {@code /metrics} and the load
 * benchmark. The window is three buckets of {@code window / 3}: a read covers the current bucket and
 * the two before it, so the last 2/3 to 3/3 of the window, as Micrometer's rotating histograms did.
 * Each bucket keeps at most {@code capacity} samples; beyond that a uniform sample of them (reservoir
 * sampling, fixed seed), so memory is bounded at any message rate. Thread-safe.
 */
public final class WindowedQuantiles {
    private static final int BUCKETS = 3;

    private final long bucketNanos;
    private final int capacity;
    private final LongSupplier nanos;
    private final double[][] samples = new double[BUCKETS][];
    /** Samples offered to each bucket (may exceed its capacity). */
    private final long[] offered = new long[BUCKETS];
    private final int[] kept = new int[BUCKETS];
    private final SplittableRandom random = new SplittableRandom(0x5EEDL);
    /** Index of the current bucket's period since the start ({@code elapsed / bucketNanos}). */
    private long period;
    private final long start;

    /**
     * Creates an empty window.
     *
     * @param windowNanos the window (three buckets of a third each)
     * @param capacity    samples kept per bucket
     * @param nanos       a monotonic clock in ns ({@code System::nanoTime}; a fake one in tests)
     */
    public WindowedQuantiles(long windowNanos, int capacity, LongSupplier nanos) {
        if (windowNanos < BUCKETS || capacity < 1) {
            throw new IllegalArgumentException("windowNanos " + windowNanos + ", capacity " + capacity
                    + " (expected: >= 3 and >= 1)");
        }
        this.bucketNanos = windowNanos / BUCKETS;
        this.capacity = capacity;
        this.nanos = Objects.requireNonNull(nanos, "nanos is null");
        this.start = nanos.getAsLong();
        for (int i = 0; i < BUCKETS; i++) {
            samples[i] = new double[Math.min(capacity, 256)];
        }
    }

    /** Moves to the bucket of now, emptying the buckets whose period has passed. */
    private void rotate() {
        long now = Math.max(0, nanos.getAsLong() - start) / bucketNanos;
        if (now == period) {
            return;
        }
        for (long p = Math.max(period + 1, now - BUCKETS + 1); p <= now; p++) {
            int b = (int) (p % BUCKETS);
            kept[b] = 0;
            offered[b] = 0;
        }
        period = now;
    }

    /** Records one sample (finite, {@code >= 0}; others are ignored). */
    public synchronized void record(double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            return;
        }
        rotate();
        int b = (int) (period % BUCKETS);
        long n = ++offered[b];
        if (kept[b] < capacity) {
            if (kept[b] == samples[b].length) {
                samples[b] = Arrays.copyOf(samples[b], Math.min(capacity, 2 * samples[b].length));
            }
            samples[b][kept[b]++] = value;
        } else {
            long j = random.nextLong(n); // keep each of the n offered with probability capacity / n
            if (j < capacity) {
                samples[b][(int) j] = value;
            }
        }
    }

    /** Samples kept in the window now. */
    public synchronized int size() {
        rotate();
        int n = 0;
        for (int k : kept) {
            n += k;
        }
        return n;
    }

    /** The {@code q}-quantile of the window's samples ({@link Quantiles#of}), NaN when it has none. */
    public double quantile(double q) {
        return quantiles(q)[0];
    }

    /** Several quantiles of the window's samples, NaN each when it has none. */
    public double[] quantiles(double... qs) {
        double[] all;
        synchronized (this) {
            rotate();
            all = new double[size()];
            int at = 0;
            for (int b = 0; b < BUCKETS; b++) {
                System.arraycopy(samples[b], 0, all, at, kept[b]);
                at += kept[b];
            }
        }
        return Quantiles.of(all, qs);
    }
}
