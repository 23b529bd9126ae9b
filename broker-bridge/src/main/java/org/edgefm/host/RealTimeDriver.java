package org.edgefm.host;

import io.vertx.core.Vertx;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.edgefm.control.ControlLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a {@link ControlLoop} in wall-clock time: a Vert.x periodic timer every slot runs
 * {@link ControlLoop#step()} on a worker thread (plugin calls and MapDB commits never run on an event
 * loop). A slot whose predecessor is still running is skipped and counted, never queued. Each step
 * reports its own wall time and its <em>decision lag</em>: from the slot's nominal start (driver start
 * plus a whole number of slots) to the end of the step, when its directives have been handed to the
 * fleet; the lag includes a late timer and the wait for a worker thread.
 */
public final class RealTimeDriver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RealTimeDriver.class);

    private final Vertx vertx;
    private final ControlLoop loop;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final java.util.function.LongConsumer stepNanos;
    private final java.util.function.LongConsumer lagNanos;
    private volatile long skipped;
    /** Receives each step's costs on the loop's thread, or null. */
    private volatile StepCosts costs;
    private long timer = -1;
    private long startNanos;
    private long periodNanos;

    /** Creates a driver; nothing runs before {@link #start()}. */
    public RealTimeDriver(Vertx vertx, ControlLoop loop) {
        this(vertx, loop, n -> { }, n -> { });
    }

    /**
     * Creates a driver that reports each step's wall time.
     *
     * @param stepNanos receives the duration of every step in ns
     * @param lagNanos  receives the decision lag of every step in ns (slot start to directives handed out)
     */
    public RealTimeDriver(Vertx vertx, ControlLoop loop, java.util.function.LongConsumer stepNanos,
            java.util.function.LongConsumer lagNanos) {
        this.vertx = Objects.requireNonNull(vertx, "vertx is null");
        this.loop = Objects.requireNonNull(loop, "loop is null");
        this.stepNanos = Objects.requireNonNull(stepNanos, "stepNanos is null");
        this.lagNanos = Objects.requireNonNull(lagNanos, "lagNanos is null");
    }

    /** Records each step's start delay, wall time, thread CPU time and allocation in {@code costs} from now on. */
    public void costs(StepCosts costs) {
        this.costs = costs;
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /** CPU time of the current thread in ns, or -1 where the JVM does not measure it. */
    private static long threadCpu() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
    }

    /** Bytes the current thread allocated so far, or -1 where the JVM does not count them. */
    private static long threadAllocated() {
        return THREADS instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemorySupported()
                ? t.getThreadAllocatedBytes(Thread.currentThread().getId()) : -1;
    }

    /** Places core services, then steps every slot. */
    public synchronized void start() {
        if (timer >= 0) {
            return;
        }
        long period = Math.max(1, Math.round(loop.settings().slotMs()));
        periodNanos = period * 1_000_000;
        startNanos = System.nanoTime();
        timer = vertx.setPeriodic(period, id -> tick());
    }

    private void tick() {
        if (!busy.compareAndSet(false, true)) {
            skipped++;
            return;
        }
        long fired = System.nanoTime();
        long slotStart = startNanos + Math.max(1, (fired - startNanos) / periodNanos) * periodNanos;
        vertx.executeBlocking(() -> {
            StepCosts c = costs;
            long c0 = c == null ? -1 : threadCpu();
            long a0 = c == null ? -1 : threadAllocated();
            long t0 = System.nanoTime();
            ControlLoop.StepReport report = loop.step();
            long t1 = System.nanoTime();
            stepNanos.accept(t1 - t0);
            lagNanos.accept(t1 - slotStart);
            if (c != null) {
                long c1 = threadCpu();
                long a1 = threadAllocated();
                c.record(t0 - slotStart, t1 - t0, c0 < 0 || c1 < 0 ? -1 : c1 - c0, a0 < 0 || a1 < 0 ? -1 : a1 - a0,
                        report.phases());
            }
            return null;
        }, false).onComplete(ar -> {
            busy.set(false);
            if (ar.failed()) {
                LOG.error("control loop step failed: {}", String.valueOf(ar.cause()), ar.cause());
            }
        });
    }

    /** Slots skipped because the previous step was still running. */
    public long skipped() {
        return skipped;
    }

    /** Stops the timer and waits (up to 30 s) for a step in progress to finish. */
    @Override
    public void close() {
        synchronized (this) {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (busy.get() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
