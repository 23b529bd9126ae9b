package org.edgefm.control.internal;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one plugin's calls on its own daemon thread with a time budget, so a plugin that hangs
 * cannot stall the control loop. A call still running from an earlier overrun makes the next call
 * fail at once as an overrun (the plugin is not called twice at the same time).
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
     * @param enforceBudget when false, calls run on the caller's thread and an overrun is only
     *                      measured (deterministic virtual-time runs)
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
            try {
                T v = call.call();
                double ms = (System.nanoTime() - t0) / 1e6;
                if (ms > budgetMs) {
                    return new Failed<>("overran", "took " + fmt(ms) + " ms (budget " + fmt(budgetMs) + " ms)", ms);
                }
                return new Returned<>(v, ms);
            } catch (Exception | LinkageError | StackOverflowError e) {
                return new Failed<>("threw", oneLine(e), (System.nanoTime() - t0) / 1e6);
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
