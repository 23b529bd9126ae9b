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
import org.edgefm.api.spi.PlanResult;
import org.edgefm.api.spi.Reason;
import org.edgefm.planner.fixtures.CellFleet;
import org.edgefm.planner.twotier.CorePlacementProblem;
import org.edgefm.planner.twotier.CoreSettings;
import org.edgefm.planner.twotier.GreedyCoreSolver;
import org.edgefm.planner.twotier.MipCoreSolver;
import org.edgefm.planner.twotier.CoreProblems;
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
 * Core placement ({@code sparse-ip}, SCIP, the host's 10 s budget): the whole {@code place()} call
 * (mean-value estimates, greedy, MIP started from the greedy's plan, failover), the MIP alone and the
 * greedy alone, at 20 nodes × 8 core services, 200 × 20, 1,000 × 20 (random paper-1 systems) and
 * {@code trial-lab-x1000} (the fleet of {@code edgefm bench load}: trial-lab's 4-node cell repeated to
 * 1,000 nodes, 2 core services). {@code k} is {@code sparse-ip.candidate-nodes}. The solver's
 * outcome, gap and objective against the greedy's are printed at tear-down.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
public class CorePlacementBench {
    /** nodes x core services. */
    @Param({"20x8", "200x20", "1000x20", "trial-lab-x1000"})
    public String size;

    /** sparse-ip.candidate-nodes (0 = all nodes). */
    @Param({"64", "0"})
    public int k;

    private SystemModel model;
    private SparseCorePlanner planner;
    private CorePlacementContext ctx;
    private CoreProblems.Built built;
    private MipCoreSolver solver;
    private MipCoreSolver.Solution last;
    private GreedyCoreSolver.Result greedy;
    private CorePlacementProblem reduced;
    private String lastNotes = "";

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
        if (size.startsWith("trial-lab-x")) {
            model = CellFleet.of("trial-lab", Integer.parseInt(size.substring("trial-lab-x".length())));
        } else {
            String[] p = size.split("x");
            int nodes = Integer.parseInt(p[0]);
            int cores = Integer.parseInt(p[1]);
            model = BenchSystems.of(nodes, cores, cores, 17);
        }
        CoreSettings s = CoreSettings.from(PlannerConfig.of(Map.of("sparse-ip.candidate-nodes", k)));
        planner = new SparseCorePlanner(s);
        ctx = new CorePlacementContext(model, List.of(), Set.of(), CorePlacement.EMPTY, CorePlacementContext.Trigger.START,
                Duration.ofSeconds(10));
        built = planner.build(model, ctx);
        greedy = GreedyCoreSolver.solve(built.problem());
        reduced = planner.reduce(built.problem(), greedy.unmet().isEmpty() ? greedy.x() : null, new java.util.ArrayList<>());
        solver = new MipCoreSolver(s.solver(), s.relativeGap());
        MipCoreSolver.loadNatives();
    }

    /** The whole planner call. */
    @Benchmark
    public Object place() {
        long t0 = CPU.getCurrentThreadCpuTime();
        PlanResult<CorePlacement> r = planner.place(ctx);
        cpuNanos += CPU.getCurrentThreadCpuTime() - t0;
        ops++;
        lastNotes = r.reasons().stream().map(Reason::code).toList().toString();
        return r;
    }

    /** The MIP alone on the prebuilt (and pruned) problem, started from the greedy's plan, 9 s limit. */
    @Benchmark
    public Object mipOnly() {
        long t0 = CPU.getCurrentThreadCpuTime();
        last = solver.solve(reduced, 9_000, greedy.unmet().isEmpty() ? greedy.x() : null);
        cpuNanos += CPU.getCurrentThreadCpuTime() - t0;
        ops++;
        return last;
    }

    /** The greedy alone on the prebuilt problem. */
    @Benchmark
    public Object greedyOnly() {
        long t0 = CPU.getCurrentThreadCpuTime();
        Object r = GreedyCoreSolver.solve(built.problem());
        cpuNanos += CPU.getCurrentThreadCpuTime() - t0;
        ops++;
        return r;
    }

    /** Prints the last solve's outcome and gap. */
    @TearDown(Level.Trial)
    public void report() {
        if (last != null) {
            System.out.printf(Locale.ROOT, "%n[core %s k=%d] %d x int vars, outcome %s, objective %.3f, bound %.3f, gap %.4f%%, %d ms;"
                            + " greedy objective %.3f%n", size, k, built.problem().nodeCount() * built.problem().serviceCount(),
                    last.outcome(), built.problem().objective(last.x()), last.bound(), 100 * last.gap(), last.millis(),
                    built.problem().objective(greedy.x()));
        }
        if (!lastNotes.isEmpty()) {
            System.out.printf(Locale.ROOT, "%n[core %s k=%d] place() notes %s%n", size, k, lastNotes);
        }
    }
}
