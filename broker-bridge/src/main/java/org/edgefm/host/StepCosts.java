package org.edgefm.host;

import java.util.Arrays;
import org.edgefm.control.stats.Quantiles;

/**
 * What each control-loop step cost on the loop's thread, for the load benchmark: the wait before it
 * started (a late timer, a busy worker pool), its wall time, the CPU time of the loop's thread (the
 * host's own work per slot: snapshot, journal, observation, desired states, directives; the light
 * controller and core placement run on their own threads and are not in it) and the bytes that thread
 * allocated. Thread CPU time counts only time on a core, so it says what a step costs even when the
 * machine is shared and the wall time does not. Keeps the first {@value #MAX} steps.
 */
public final class StepCosts {
    static final int MAX = 1 << 20;

    private long[] delay = new long[1024];
    private long[] wall = new long[1024];
    private long[] cpu = new long[1024];
    private long[] alloc = new long[1024];
    private int count;

    /** Records one step (ns, ns, ns, bytes; a negative figure: not measurable here). */
    public synchronized void record(long delayNanos, long wallNanos, long cpuNanos, long allocatedBytes) {
        if (count >= MAX) {
            return;
        }
        if (count == delay.length) {
            delay = Arrays.copyOf(delay, count * 2);
            wall = Arrays.copyOf(wall, count * 2);
            cpu = Arrays.copyOf(cpu, count * 2);
            alloc = Arrays.copyOf(alloc, count * 2);
        }
        delay[count] = delayNanos;
        wall[count] = wallNanos;
        cpu[count] = cpuNanos;
        alloc[count] = allocatedBytes;
        count++;
    }

    /** Steps recorded. */
    public synchronized int count() {
        return count;
    }

    /**
     * The steps after the first {@code skip}: p50, p99 and mean of each figure (ms, allocation in MiB);
     * NaN where none was measured.
     *
     * @param steps          steps summarised
     * @param delayMs        slot start to step start: p50, p99, mean
     * @param wallMs         step wall time
     * @param cpuMs          loop thread CPU time
     * @param allocatedMiB   bytes the loop's thread allocated, in MiB
     */
    public record Summary(int steps, double[] delayMs, double[] wallMs, double[] cpuMs, double[] allocatedMiB) {
    }

    /** Summarises the steps after the first {@code skip}. */
    public synchronized Summary summary(long skip) {
        int from = (int) Math.min(count, Math.max(0, skip));
        return new Summary(count - from, stats(delay, from, 1e6), stats(wall, from, 1e6), stats(cpu, from, 1e6),
                stats(alloc, from, 1 << 20));
    }

    private double[] stats(long[] a, int from, double unit) {
        double[] v = Arrays.stream(a, from, count).filter(x -> x >= 0).mapToDouble(x -> x / unit).toArray();
        if (v.length == 0) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
        double[] q = Quantiles.of(v, 0.5, 0.99);
        return new double[] {q[0], q[1], Arrays.stream(v).average().orElse(Double.NaN)};
    }
}
