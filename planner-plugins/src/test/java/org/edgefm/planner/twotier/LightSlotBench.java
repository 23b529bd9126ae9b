package org.edgefm.planner.twotier;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.api.spi.ServiceAllocation;
import org.edgefm.api.spi.ServiceObservation;
import org.edgefm.api.spi.SlotObservation;
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
 * One {@code ec-lyapunov} slot on the fleet of {@code edgefm bench load} at 1,000 agents
 * ({@code trial-lab} cells on the metro backbone, 750 streams, 500 ms slots, the greedy's core placement),
 * with the observations the host builds from the virtual agents' telemetry: every node online, and per
 * running light pair the figures a virtual agent reports (queue 0–2, 0–3 arrivals, one rate sample).
 * {@code phase}: {@code join} is the first slot of a fresh controller (the host's first slot after the
 * fleet joined, or after a new core placement: every shortest delay and every stream's analysis
 * computed), {@code prepared} that slot when the controller prepared the placement beforehand
 * ({@link LightEngine#prepare}, as the host has it done on the core planner's thread; not measured),
 * {@code second} the slot after it (the first with the agents' service figures), {@code steady} a slot of
 * a controller that has run 20 slots.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
public class LightSlotBench {
    /** join, prepared, second or steady. */
    @Param({"join", "prepared", "second", "steady"})
    public String phase;

    private final CpuPerOp cpu = new CpuPerOp();
    private LoadBenchFleet fleet;
    private final SplittableRandom random = new SplittableRandom(29);
    private LightEngine engine;
    private LightDecision last;
    private long slot;

    /** The fleet and the core placement. */
    @Setup(Level.Trial)
    public void setUp() {
        fleet = new LoadBenchFleet(1000);
        if (!phase.equals("join") && !phase.equals("prepared")) {
            freshEngine();
            int warm = phase.equals("second") ? 1 : 20;
            for (int i = 0; i < warm; i++) {
                slot();
            }
        }
    }

    /** {@code join}: a fresh controller before every slot ({@code prepared}: and its preparation of the placement). */
    @Setup(Level.Invocation)
    public void perInvocation() {
        if (phase.equals("join")) {
            freshEngine();
        } else if (phase.equals("prepared")) {
            freshEngine();
            engine.prepare(fleet.model, fleet.placement);
        } else if (phase.equals("second")) {
            freshEngine();
            slot();
        }
    }

    private void freshEngine() {
        engine = EcLyapunovController.engine(LightSettings.from(PlannerConfig.EMPTY));
        last = null;
        slot = 0;
    }

    /** Resets the CPU-time counter. */
    @Setup(Level.Iteration)
    public void resetCpu() {
        cpu.reset();
    }

    /** Prints this iteration's mean thread CPU time per slot. */
    @TearDown(Level.Iteration)
    public void printCpu() {
        cpu.print(phase);
    }

    /** The host's observation: every node online, the last decision's light pairs with agent-like figures. */
    private SlotObservation observation() {
        List<ServiceObservation> services = new ArrayList<>();
        if (last != null) {
            for (ServiceAllocation a : last.allocations()) {
                int arrivals = random.nextInt(4);
                services.add(new ServiceObservation(a.node(), a.service(), a.instances(), a.parallelism(), random.nextInt(3),
                        random.nextInt(2), arrivals, arrivals, new double[] {0.05 + 0.1 * random.nextDouble()}, null));
            }
        }
        return new SlotObservation(slot, slot * 500.0, 500, fleet.model, fleet.placement, fleet.nodes(Set.of()), services, List.of(), List.of(), List.of(), null);
    }

    private LightDecision slot() {
        return slot(observation());
    }

    private LightDecision slot(SlotObservation obs) {
        last = engine.decide(obs).plan().orElseThrow();
        slot++;
        return last;
    }

    /** One slot of the phase (thread CPU time of the decision alone). */
    @Benchmark
    public Object decide() {
        SlotObservation obs = observation();
        return cpu.measure(() -> slot(obs));
    }
}
