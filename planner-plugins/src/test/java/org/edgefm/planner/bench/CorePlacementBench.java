package org.edgefm.planner.bench;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.planner.twotier.CoreSettings;
import org.edgefm.planner.twotier.MipCoreSolver;
import org.edgefm.planner.twotier.SparseCorePlanner;
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
 * Core placement ({@code sparse-ip}, SCIP, 10 s limit): the whole {@code place()} call (mean-value
 * estimates, MIP, failover) and the MIP alone, at 20 nodes × 8 core services and 200 × 20. The
 * solver's outcome and gap are printed at tear-down.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
public class CorePlacementBench {
    /** nodes x core services. */
    @Param({"20x8", "200x20"})
    public String size;

    private SystemModel model;
    private SparseCorePlanner planner;
    private CorePlacementContext ctx;
    private SparseCorePlanner.Built built;
    private MipCoreSolver solver;
    private MipCoreSolver.Solution last;

    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();
    private long cpuNanos;
    private long ops;

    /** Resets the CPU-time counters (the machine is shared: CPU time per op is reported next to wall time). */
    @Setup(Level.Iteration)
    public void resetCpu() {
        cpuNanos = 0;
        ops = 0;
    }

    /** Prints this iteration's mean thread CPU time per operation. */
    @TearDown(Level.Iteration)
    public void printCpu() {
        if (ops > 0) {
            System.out.printf(java.util.Locale.ROOT, " [cpu %s %s %.3f ms/op over %d ops]", getClass().getSimpleName(), size,
                    cpuNanos / 1e6 / ops, ops);
        }
    }

    /** Builds the instance. */
    @Setup(Level.Trial)
    public void setUp() {
        String[] p = size.split("x");
        int nodes = Integer.parseInt(p[0]);
        int cores = Integer.parseInt(p[1]);
        model = BenchSystems.of(nodes, cores, cores, 17);
        CoreSettings s = CoreSettings.from(PlannerConfig.of(Map.of("sparse-ip.time-limit-ms", 10_000)));
        planner = new SparseCorePlanner(s, SparseCorePlanner.Mode.MIP);
        ctx = new CorePlacementContext(model, List.of(), Set.of(), CorePlacement.EMPTY, CorePlacementContext.Trigger.START,
                Duration.ofSeconds(10));
        built = planner.build(model, ctx);
        solver = new MipCoreSolver(s.solver(), s.relativeGap());
        MipCoreSolver.loadNatives();
    }

    /** The whole planner call. */
    @Benchmark
    public Object place() {
        long t0 = CPU.getCurrentThreadCpuTime();
        Object r = planner.place(ctx);
        cpuNanos += CPU.getCurrentThreadCpuTime() - t0;
        ops++;
        return r;
    }

    /** The MIP alone on the prebuilt problem. */
    @Benchmark
    public Object mipOnly() {
        last = solver.solve(built.problem(), 10_000);
        return last;
    }

    /** Prints the last solve's outcome and gap. */
    @TearDown(Level.Trial)
    public void report() {
        if (last != null) {
            System.out.printf(Locale.ROOT, "%n[core %s] %d x int vars, outcome %s, objective %.3f, bound %.3f, gap %.4f%%, %d ms%n", size,
                    built.problem().nodeCount() * built.problem().serviceCount(), last.outcome(), last.objective(), last.bound(),
                    100 * last.gap(), last.millis());
        }
    }
}
