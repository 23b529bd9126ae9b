package org.edgefm.planner.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.edgefm.api.model.Demand;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.spi.CoreAssignment;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.DemandEstimate;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.NodeObservation;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.api.spi.SlotObservation;
import org.edgefm.planner.twotier.CoreSettings;
import org.edgefm.planner.twotier.EcLyapunovSizer;
import org.edgefm.planner.twotier.LightEngine;
import org.edgefm.planner.twotier.LightSettings;
import org.edgefm.planner.twotier.EcLyapunovController;
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
 * One slot of {@code ec-lyapunov} at 16 nodes × 8 light services and 1,000 × 50, on a fixed core
 * placement (the greedy's) with the routing analysis already cached, as in steady state.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class LightControllerBench {
    /** nodes x light services. */
    @Param({"16x8", "1000x50"})
    public String size;

    private LightEngine controller;
    private SlotObservation obs;
    private long slot;

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

    /** Builds the instance, the core placement and the first decision (fills the routing cache). */
    @Setup(Level.Trial)
    public void setUp() {
        String[] p = size.split("x");
        int nodes = Integer.parseInt(p[0]);
        int lights = Integer.parseInt(p[1]);
        SystemModel m = BenchSystems.of(nodes, Math.max(2, lights / 5), lights, 23);
        CorePlacement placement = new org.edgefm.planner.baseline.GreedyCorePlanner(CoreSettings.from(PlannerConfig.EMPTY))
                .place(new CorePlacementContext(m, List.of(), Set.of(), CorePlacement.EMPTY, CorePlacementContext.Trigger.START,
                        Duration.ofSeconds(10))).plan().orElseThrow();
        Map<String, ResourceVector> used = new HashMap<>();
        for (CoreAssignment a : placement.assignments()) {
            used.merge(a.node(), m.service(a.service()).demand().times(a.instances()), ResourceVector::plus);
        }
        List<NodeObservation> obsNodes = new ArrayList<>();
        for (NodeSpec n : m.topology().nodes()) {
            obsNodes.add(new NodeObservation(n.id(), true, n.capacity().minusFloored(used.getOrDefault(n.id(), ResourceVector.ZERO)),
                    0.0, null));
        }
        List<DemandEstimate> demand = new ArrayList<>();
        for (Demand d : m.workload()) {
            demand.add(new DemandEstimate(d.user(), d.taskType(), d.arrivals().meanRatePerMs()));
        }
        obs = new SlotObservation(0, 0, 100, m, placement, obsNodes, List.of(), demand, List.of(), List.of(), null);
        LightSettings s = LightSettings.from(PlannerConfig.EMPTY);
        controller = EcLyapunovController.engine(s);
        PlanResult<LightDecision> first = controller.decide(obs);
        System.out.printf("%n[light %s] %d allocations, %d routes, notes %s%n", size, first.plan().orElseThrow().allocations().size(),
                first.plan().orElseThrow().routing().routes().size(), first.reasons().stream().map(r -> r.code()).toList());
    }

    /** One slot. */
    @Benchmark
    public Object decide() {
        slot++;
        long t0 = CPU.getCurrentThreadCpuTime();
        Object r = controller.decide(obs);
        cpuNanos += CPU.getCurrentThreadCpuTime() - t0;
        ops++;
        return r;
    }
}
