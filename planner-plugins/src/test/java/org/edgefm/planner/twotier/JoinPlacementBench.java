package org.edgefm.planner.twotier;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.planner.bench.CpuPerOp;
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
 * The core tier's work at the join of {@code edgefm bench load}'s 1,000 agents ({@link LoadBenchFleet}: 750
 * streams): one {@code sparse-ip} placement and the {@code ec-lyapunov} controller's preparation of it
 * ({@link LightEngine#prepare}, which the host runs on the core planner's thread). {@code network}: {@code new}
 * gives every operation a propagation speed no earlier one used, so every shortest delay is computed again
 * (a network the planners have not seen); {@code known} keeps one speed, so the delays come from the shared
 * store (the controller, or an earlier placement, computed them).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
public class JoinPlacementBench {
    /** new or known. */
    @Param({"new", "known"})
    public String network;

    private final CpuPerOp cpu = new CpuPerOp();
    private LoadBenchFleet fleet;
    private long op;

    /** The fleet. */
    @Setup(Level.Trial)
    public void setUp() {
        fleet = new LoadBenchFleet(1000);
    }

    /** Resets the CPU-time counter. */
    @Setup(Level.Iteration)
    public void resetCpu() {
        cpu.reset();
    }

    /** Prints this iteration's mean thread CPU time per placement and preparation. */
    @TearDown(Level.Iteration)
    public void printCpu() {
        cpu.print(network);
    }

    /** One placement and its preparation (thread CPU time of both). */
    @Benchmark
    public Object placeAndPrepare() {
        double kmPerMs = network.equals("new") ? 190 + 1e-6 * op++ : 190;
        PlannerConfig cfg = PlannerConfig.of(Map.of("latency.propagation-km-per-ms", kmPerMs));
        return cpu.measure(() -> {
            CorePlacement placed = new SparseCorePlanner(CoreSettings.from(cfg)).place(new CorePlacementContext(fleet.model,
                    fleet.demand, Set.of(), CorePlacement.EMPTY, CorePlacementContext.Trigger.START, Duration.ofSeconds(10)))
                    .plan().orElseThrow();
            EcLyapunovController.engine(LightSettings.from(cfg)).prepare(fleet.model, placed);
            return placed;
        });
    }
}
