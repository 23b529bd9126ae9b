package org.edgefm.planner.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Mean thread CPU time per operation over a JMH iteration, which a shared machine's contention does not
 * inflate as it does wall time: {@link #reset} in an iteration's setup, {@link #measure} around the work,
 * {@link #print} in its teardown.
 */
public final class CpuPerOp {
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private long nanos;
    private long ops;

    /** Starts a new iteration. */
    public void reset() {
        nanos = 0;
        ops = 0;
    }

    /** Runs one operation and adds its thread CPU time. */
    public <T> T measure(Supplier<T> op) {
        long t0 = CPU.getCurrentThreadCpuTime();
        T r = op.get();
        nanos += CPU.getCurrentThreadCpuTime() - t0;
        ops++;
        return r;
    }

    /** Prints {@code [cpu LABEL x.x ms/op over N ops]} when the iteration ran any. */
    public void print(String label) {
        if (ops > 0) {
            System.out.printf(Locale.ROOT, " [cpu %s %.1f ms/op over %d ops]", label, nanos / 1e6 / ops, ops);
        }
    }
}
