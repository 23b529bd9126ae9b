package org.edgefm.control.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one plugin's calls against a time budget. Live ({@code enforceBudget}): on the plugin's own
 * daemon thread, abandoned at the budget so a plugin that hangs cannot stall the control loop; a call
 * still running from an earlier overrun makes the next call fail at once as an overrun (the plugin is
 * not called twice at the same time), and a result that comes late is never used. In virtual time
 * (not enforced): inline on the caller's thread, charged with that thread's CPU time plus the time it
 * spent waiting or blocked (sleep, locks, {@code wait}): a measure that does not depend on how busy
 * the machine is, so a simulation stays repeatable; a call charged more than its budget is an
 * overrun and its result is discarded exactly as live.
 */
public final class PluginCaller implements AutoCloseable {
    /** The outcome of one call. */
    public sealed interface Outcome<T> {
        /** Wall time of the call in ms (the budget, for an overrun). */
        double elapsedMs();
    }

    /**
     * The call returned.
     *
     * @param value     what it returned
     * @param elapsedMs wall time in ms
     * @param <T>       result type
     */
    public record Returned<T>(T value, double elapsedMs) implements Outcome<T> {
    }

    /**
     * The call failed: it threw or ran past its budget.
     *
     * @param reason    {@code threw} or {@code overran}
     * @param detail    the exception or the budget, one line
     * @param elapsedMs wall time in ms
     * @param <T>       result type
     */
    public record Failed<T>(String reason, String detail, double elapsedMs) implements Outcome<T> {
    }

    private final ExecutorService executor;
    private final boolean enforceBudget;
    private Future<?> running;

    /**
     * Creates a caller.
     *
     * @param threadName    name of the plugin thread
     * @param enforceBudget true: calls run on the plugin's thread and are abandoned at the budget; false: they
     *                      run on the caller's thread, charged by its CPU and waiting time (repeatable
     *                      virtual-time runs)
     */
    public PluginCaller(String threadName, boolean enforceBudget) {
        this.enforceBudget = enforceBudget;
        this.executor = enforceBudget ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /** Calls {@code call} within {@code budget}. */
    public <T> Outcome<T> call(Callable<T> call, Duration budget) {
        double budgetMs = budget.toNanos() / 1e6;
        if (running != null && !running.isDone()) {
            return new Failed<>("overran", "still running from an earlier call past its budget of "
                    + fmt(budgetMs) + " ms", budgetMs);
        }
        long t0 = System.nanoTime();
        if (!enforceBudget) {
            ThreadTime start = ThreadTime.now();
            try {
                T v = call.call();
                double ms = ThreadTime.now().minus(start);
                if (ms > budgetMs) {
                    return new Failed<>("overran", "took " + fmt(ms) + " ms of CPU and waiting (budget " + fmt(budgetMs)
                            + " ms)", ms);
                }
                return new Returned<>(v, ms);
            } catch (Exception | LinkageError | StackOverflowError e) {
                return new Failed<>("threw", oneLine(e), ThreadTime.now().minus(start));
            }
        }
        Future<T> f = executor.submit(call);
        running = f;
        try {
            T v = f.get(budget.toNanos(), TimeUnit.NANOSECONDS);
            return new Returned<>(v, (System.nanoTime() - t0) / 1e6);
        } catch (TimeoutException e) {
            return new Failed<>("overran", "still running after its budget of " + fmt(budgetMs) + " ms", budgetMs);
        } catch (ExecutionException e) {
            return new Failed<>("threw", oneLine(e.getCause()), (System.nanoTime() - t0) / 1e6);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Failed<>("threw", "interrupted", (System.nanoTime() - t0) / 1e6);
        }
    }

    /** True while a call abandoned at its budget is still running (live only); the next call would fail at once. */
    public boolean busy() {
        return running != null && !running.isDone();
    }

    /**
     * Waits up to {@code wait} for a call abandoned at its budget to finish (live only); its result stays
     * discarded. In virtual time nothing runs after a call returns.
     *
     * @return true when no abandoned call is running any more
     */
    public boolean awaitAbandoned(Duration wait) {
        Future<?> f = running;
        if (f == null || f.isDone()) {
            return true;
        }
        if (wait.isNegative() || wait.isZero()) {
            return false;
        }
        try {
            f.get(wait.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true; // it threw after its budget: finished all the same
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return f.isDone();
        }
    }

    /** The current thread's CPU time plus its accumulated waiting and blocked time. */
    private record ThreadTime(long cpuNanos, long waitedMs) {
        private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
        private static final boolean CPU = MX.isCurrentThreadCpuTimeSupported();
        private static final boolean CONTENTION = enableContention();

        private static boolean enableContention() {
            try {
                if (MX.isThreadContentionMonitoringSupported()) {
                    MX.setThreadContentionMonitoringEnabled(true);
                    return true;
                }
            } catch (UnsupportedOperationException | SecurityException e) {
                // measured by CPU time alone
            }
            return false;
        }

        static ThreadTime now() {
            long cpu = CPU ? MX.getCurrentThreadCpuTime() : System.nanoTime();
            long waited = 0;
            if (CONTENTION) {
                ThreadInfo i = MX.getThreadInfo(Thread.currentThread().getId());
                if (i != null) {
                    waited = Math.max(0, i.getWaitedTime()) + Math.max(0, i.getBlockedTime());
                }
            }
            return new ThreadTime(cpu, waited);
        }

        /** Charged ms since {@code start}. */
        double minus(ThreadTime start) {
            return (cpuNanos - start.cpuNanos) / 1e6 + (waitedMs - start.waitedMs);
        }
    }

    private static String oneLine(Throwable e) {
        String s = String.valueOf(e);
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String fmt(double ms) {
        return String.format(java.util.Locale.ROOT, "%.1f", ms);
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
