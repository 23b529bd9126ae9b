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
import org.edgefm.planner.twotier.CorePlacementProblem;
import org.edgefm.planner.twotier.CoreSettings;
import org.edgefm.planner.twotier.GreedyCoreSolver;
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
 * SCIP under a short time limit on the full 1,000 × 20 model (no pruning), with and without the
 * greedy's plan as its start: the outcome, objective and gap of the last solve are printed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
public class CoreSolverLimitBench {
    /** The solver's time limit in ms. */
    @Param({"100", "300", "1000"})
    public long limitMs;

    /** Whether the greedy's plan is passed as the start. */
    @Param({"true", "false"})
    public boolean hint;

    private CorePlacementProblem problem;
    private GreedyCoreSolver.Result greedy;
    private MipCoreSolver solver;
    private MipCoreSolver.Solution last;

    /** Builds the instance. */
    @Setup(Level.Trial)
    public void setUp() {
        SystemModel model = BenchSystems.of(1000, 20, 20, 17);
        CoreSettings s = CoreSettings.from(PlannerConfig.of(Map.of("sparse-ip.candidate-nodes", 0)));
        CorePlacementContext ctx = new CorePlacementContext(model, List.of(), Set.of(), CorePlacement.EMPTY,
                CorePlacementContext.Trigger.START, Duration.ofSeconds(10));
        problem = new SparseCorePlanner(s).build(model, ctx).problem();
        greedy = GreedyCoreSolver.solve(problem);
        solver = new MipCoreSolver(s.solver(), s.relativeGap());
        MipCoreSolver.loadNatives();
    }

    /** One solve under the limit. */
    @Benchmark
    public Object solve() {
        last = solver.solve(problem, limitMs, hint ? greedy.x() : null);
        return last;
    }

    /** Prints the last solve's outcome. */
    @TearDown(Level.Trial)
    public void report() {
        System.out.printf(Locale.ROOT, "%n[limit %d ms, hint %s] outcome %s, objective %.3f, bound %.3f, gap %.4f%%, %d ms;"
                        + " greedy objective %.3f%n", limitMs, hint, last.outcome(), last.objective(), last.bound(), 100 * last.gap(),
                last.millis(), problem.objective(greedy.x()));
    }
}
