package org.edgefm.planner.twotier;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.api.spi.SlotObservation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One {@code ec-lyapunov} slot on the 1,000-node linked fleet of {@code bench load} in which the usable
 * node set changes (a random node leaves, and in the next slot comes back): the engine as it runs
 * ({@code incremental}: analyses kept, delays repaired) against re-analysing every stream after each
 * change ({@code from-scratch}, the earlier behaviour). In this package for the test-only switch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
public class LightChurnBench {
    /** incremental or from-scratch. */
    @Param({"incremental", "from-scratch"})
    public String mode;

    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();
    private LoadBenchFleet fleet;
    private LightEngine engine;
    private List<String> ids;
    private final SplittableRandom random = new SplittableRandom(17);
    private final Set<String> down = new HashSet<>();
    private String left;
    private long slot;
    private long cpuNanos;
    private long ops;

    /** The fleet, the core placement and a first decision (every stream analysed once). */
    @Setup(Level.Trial)
    public void setUp() {
        fleet = new LoadBenchFleet(1000);
        ids = new ArrayList<>(fleet.model.topology().nodesById().keySet());
        LightSettings s = LightSettings.from(PlannerConfig.EMPTY);
        engine = EcLyapunovController.engine(s);
        if (mode.equals("from-scratch")) {
            engine.analyseFromScratch();
        }
        engine.decide(observation());
    }

    /** Resets the CPU-time counters. */
    @Setup(Level.Iteration)
    public void resetCpu() {
        cpuNanos = 0;
        ops = 0;
    }

    /** Prints this iteration's mean thread CPU time per slot and the analyses run. */
    @TearDown(Level.Iteration)
    public void printCpu() {
        if (ops > 0) {
            System.out.printf(java.util.Locale.ROOT, " [cpu %s %.1f ms/slot over %d slots, %d analyses so far]", mode,
                    cpuNanos / 1e6 / ops, ops, engine.analyses());
        }
    }

    private SlotObservation observation() {
        return new SlotObservation(slot, slot * 500.0, 500, fleet.model, fleet.placement, fleet.nodes(down), List.of(), fleet.demand,
                List.of(), List.of(), null);
    }

    /** One slot after a change: a random node leaves, or the one that left comes back. */
    @Benchmark
    public Object changedSlot() {
        slot++;
        if (left == null) {
            left = ids.get(random.nextInt(ids.size()));
            down.add(left);
        } else {
            down.remove(left);
            left = null;
        }
        SlotObservation obs = observation();
        long t0 = CPU.getCurrentThreadCpuTime();
        Object r = engine.decide(obs);
        cpuNanos += CPU.getCurrentThreadCpuTime() - t0;
        ops++;
        return r;
    }
}
