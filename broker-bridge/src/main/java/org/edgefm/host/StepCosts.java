package org.edgefm.host;

import java.util.Arrays;
import org.edgefm.control.ControlLoop;
import org.edgefm.control.stats.Quantiles;

/**
 * What each control-loop step cost on the loop's thread, for the load benchmark: the wait before it
 * started (a late timer, a busy worker pool), its wall time, the CPU time of the loop's thread (the
 * host's own work per slot: snapshot, journal, observation, desired states, directives; the light
 * controller and core placement run on their own threads and are not in it) and the bytes that thread
 * allocated, and the step's wall time by phase ({@link ControlLoop.StepPhases}: the controller's call, the
 * hand-out of directives, the rest). Thread CPU time counts only time on a core, so it says what a step
 * costs even when the machine is shared and the wall time does not. Keeps the first {@value #MAX} steps.
 */
public final class StepCosts {
    static final int MAX = 1 << 20;

    private long[] delay = new long[1024];
    private long[] wall = new long[1024];
    private long[] cpu = new long[1024];
    private long[] alloc = new long[1024];
    private long[] decide = new long[1024];
    private long[] handOut = new long[1024];
    private long[] other = new long[1024];
    private int count;

    /** Records one step (ns, ns, ns, bytes; a negative figure: not measurable here) with no phases measured. */
    public void record(long delayNanos, long wallNanos, long cpuNanos, long allocatedBytes) {
        record(delayNanos, wallNanos, cpuNanos, allocatedBytes, null);
    }

    /** Records one step (ns, ns, ns, bytes; a negative figure: not measurable here) and its phases (null: not measured). */
    public synchronized void record(long delayNanos, long wallNanos, long cpuNanos, long allocatedBytes,
            ControlLoop.StepPhases phases) {
        if (count >= MAX) {
            return;
        }
        if (count == delay.length) {
            delay = Arrays.copyOf(delay, count * 2);
            wall = Arrays.copyOf(wall, count * 2);
            cpu = Arrays.copyOf(cpu, count * 2);
            alloc = Arrays.copyOf(alloc, count * 2);
            decide = Arrays.copyOf(decide, count * 2);
            handOut = Arrays.copyOf(handOut, count * 2);
            other = Arrays.copyOf(other, count * 2);
        }
        delay[count] = delayNanos;
        wall[count] = wallNanos;
        cpu[count] = cpuNanos;
        alloc[count] = allocatedBytes;
        decide[count] = phases == null ? -1 : phases.decideNanos();
        handOut[count] = phases == null ? -1 : phases.handOutNanos();
        other[count] = phases == null ? -1 : phases.observeNanos() + phases.publishNanos();
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
     * @param decideMs       the controller's call within the step (wall)
     * @param handOutMs      the directives' hand-out within the step (wall: desired states, outbox, journal queue)
     * @param otherMs        the rest of the step (wall: snapshot, model, links, core tier, observation, published view)
     */
    public record Summary(int steps, double[] delayMs, double[] wallMs, double[] cpuMs, double[] allocatedMiB,
            double[] decideMs, double[] handOutMs, double[] otherMs) {
    }

    /** Summarises the steps after the first {@code skip}. */
    public synchronized Summary summary(long skip) {
        return summary(skip, count);
    }

    /** Summarises the steps from index {@code from} (inclusive) to {@code to} (exclusive), clamped to those recorded. */
    public synchronized Summary summary(long from, long to) {
        int a = (int) Math.min(count, Math.max(0, from));
        int b = (int) Math.min(count, Math.max(a, to));
        return new Summary(b - a, stats(delay, a, b, 1e6), stats(wall, a, b, 1e6), stats(cpu, a, b, 1e6),
                stats(alloc, a, b, 1 << 20), stats(decide, a, b, 1e6), stats(handOut, a, b, 1e6), stats(other, a, b, 1e6));
    }

    private double[] stats(long[] a, int from, int to, double unit) {
        double[] v = Arrays.stream(a, from, to).filter(x -> x >= 0).mapToDouble(x -> x / unit).toArray();
        if (v.length == 0) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
        double[] q = Quantiles.of(v, 0.5, 0.99);
        return new double[] {q[0], q[1], Arrays.stream(v).average().orElse(Double.NaN)};
    }
}
