package org.edgefm.control.internal;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One plugin call at a time on its own daemon thread, collected later: the caller submits, goes on
 * with its work, and polls for the outcome ({@link PluginCaller.Returned} or {@link PluginCaller.Failed}
 * with reason {@code threw}). Used for the core placement, which may take its whole budget and must
 * not hold the control loop. Not thread-safe: one owner thread submits and polls.
 *
 * @param <T> result type
 */
public final class BackgroundCall<T> implements AutoCloseable {
    private final ExecutorService executor;
    private Future<Timed<T>> future;
    private long startNanos;

    private record Timed<T>(T value, double elapsedMs) {
    }

    /** Creates the call's thread, named {@code threadName}. */
    public BackgroundCall(String threadName) {
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** True while a submitted call has not returned (its outcome not yet polled counts as returned). */
    public boolean busy() {
        return future != null && !future.isDone();
    }

    /** True when a call was submitted and its outcome has not been polled yet. */
    public boolean pending() {
        return future != null;
    }

    /** Milliseconds since the pending call was submitted, 0 when none is. */
    public double runningMs() {
        return future == null ? 0 : (System.nanoTime() - startNanos) / 1e6;
    }

    /**
     * Starts {@code call}.
     *
     * @throws IllegalStateException when a call is still pending
     */
    public void submit(Callable<T> call) {
        submit(call, v -> { });
    }

    /**
     * Starts {@code call}, then, on the same thread, {@code then} with what it returned: the call's outcome is
     * polled once both are done, its time is the call's alone.
     *
     * @throws IllegalStateException when a call is still pending
     */
    public void submit(Callable<T> call, Consumer<T> then) {
        if (future != null) {
            throw new IllegalStateException("a call is still pending");
        }
        startNanos = System.nanoTime();
        future = executor.submit(() -> {
            long t0 = System.nanoTime();
            T v = call.call();
            Timed<T> timed = new Timed<>(v, (System.nanoTime() - t0) / 1e6);
            then.accept(v);
            return timed;
        });
    }

    /** Waits up to {@code ms} for the pending call to return; true when it has (or none is pending). */
    public boolean await(double ms) {
        if (future == null || future.isDone()) {
            return true;
        }
        try {
            future.get((long) (ms * 1e6), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return true;
    }

    /** The outcome of the pending call once it returned (and forgets it), else null. */
    public PluginCaller.Outcome<T> poll() {
        if (future == null || !future.isDone()) {
            return null;
        }
        Future<Timed<T>> f = future;
        future = null;
        try {
            Timed<T> t = f.get();
            return new PluginCaller.Returned<>(t.value(), t.elapsedMs());
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            String s = String.valueOf(c);
            int nl = s.indexOf('\n');
            return new PluginCaller.Failed<>("threw", nl < 0 ? s : s.substring(0, nl), (System.nanoTime() - startNanos) / 1e6);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PluginCaller.Failed<>("threw", "interrupted", (System.nanoTime() - startNanos) / 1e6);
        } catch (java.util.concurrent.CancellationException e) {
            return new PluginCaller.Failed<>("threw", "cancelled", (System.nanoTime() - startNanos) / 1e6);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
