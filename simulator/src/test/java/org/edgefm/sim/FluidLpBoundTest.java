package org.edgefm.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.edgefm.sim.SimFixtures.*;

import java.util.List;
import java.util.Map;
import org.edgefm.api.model.NodeKind;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.RateModel;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.SystemModel;
import org.junit.jupiter.api.Test;

class FluidLpBoundTest {
    // One node that holds exactly one instance of "enc" (10 ms per task at speed 1).
    private static final NodeSpec ONE = new NodeSpec("a", NodeKind.EDGE_SERVER, ResourceVector.of(1, 1, 1, 1), null, 1.0);
    private static final ServiceSpec ENC = coreService("enc", 10.0, 0.1, 1.0);
    private static final ServiceSpec PRE = lightService("pre", 10.0, 0.1, new RateModel.Deterministic(1.0));

    private static SystemModel model(ServiceSpec svc, double deadline, double periodMs) {
        return SimFixtures.model(List.of(ONE), List.of(), List.of(svc), List.of(chain("t", 0.5, deadline, svc.id())),
                List.of(user("u", "a", 0.5, 3.0)), List.of(periodic("u", "t", periodMs)));
    }

    @Test
    void capacityBinds_handComputedShare() {
        // Arrivals every 5 ms, 10 ms of instance time each: windows of W = ceil(10 · 100 / 100) = 10 slots
        // (1,000 ms) hold 199-201 arrivals and 1 · (1,000 + 100) ms of capacity = 110 tasks: 1,100 / 2,000.
        FluidLpBound b = FluidLpBound.prepare(model(ENC, 100, 5), 100, SimSettings.DEFAULTS, 200, 1);
        assertThat(b.windowSlots()).isEqualTo(10);
        assertThat(b.feasibleShare()).containsExactly(1.0);
        assertThat(b.onTimeRate(1.0, 100, 7)).isCloseTo(0.55, within(1e-9));
        // half the load fits: 100 arrivals per 110 tasks of capacity
        assertThat(b.onTimeRate(0.5, 100, 7)).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void wholeInstanceCaps_removeTheFractionalInstance() {
        // A node of capacity 1.5 fits 1.5 instances fractionally but one whole: the plain LP serves
        // 1.5 · 1,100 ms / 10 ms = 165 of ~200 tasks per window, the capped one 110, as on a node of capacity 1.
        NodeSpec oneAndAHalf = new NodeSpec("a", NodeKind.EDGE_SERVER, ResourceVector.of(1.5, 1.5, 1.5, 1.5), null, 1.0);
        SystemModel m = SimFixtures.model(List.of(oneAndAHalf), List.of(), List.of(ENC), List.of(chain("t", 0.5, 100, "enc")),
                List.of(user("u", "a", 0.5, 3.0)), List.of(periodic("u", "t", 5)));
        FluidLpBound b = FluidLpBound.prepare(m, 100, SimSettings.DEFAULTS, 200, 1);
        assertThat(b.onTimeRate(1.0, 100, 7)).isCloseTo(0.825, within(1e-9));
        assertThat(b.withWholeInstanceCaps().onTimeRate(1.0, 100, 7)).isCloseTo(0.55, within(1e-9));
        // where one whole instance is what fits, the caps change nothing
        FluidLpBound one = FluidLpBound.prepare(model(ENC, 100, 5), 100, SimSettings.DEFAULTS, 200, 1);
        assertThat(one.withWholeInstanceCaps().onTimeRate(1.0, 100, 7)).isCloseTo(one.onTimeRate(1.0, 100, 7), within(1e-9));
    }

    @Test
    void solution_servesWhatTheBoundCountsOnTheNodeThatRunsIt() {
        FluidLpBound b = FluidLpBound.prepare(model(ENC, 100, 5), 100, SimSettings.DEFAULTS, 200, 1);
        FluidLpBound.Solution s = b.solution(1.0, 100, 7);
        assertThat(s.onTimeRate()).isCloseTo(b.onTimeRate(1.0, 100, 7), within(1e-12));
        assertThat(s.served()[0] / s.offered()[0]).isCloseTo(s.onTimeRate(), within(1e-9));
        assertThat(s.pairTasks()[0]).isCloseTo(s.served()[0], within(1e-6));
        // 10 ms of instance time per task
        assertThat(s.pairBusy()[0]).isCloseTo(10 * s.served()[0], within(1e-6));
    }

    @Test
    void capacityBinds_boundsTheSimulatedFleetWithTheBestDeployment() {
        SystemModel m = model(ENC, 100, 5);
        SimulatedFleet f = new SimulatedFleet(m, 100, List.of(), 7, SimSettings.DEFAULTS);
        f.apply(directive("a", 1, List.of(core(ENC, 1)), List.of(route("t", "s0", "a"))));
        f.advanceTo(10_000);
        double bound = FluidLpBound.prepare(m, 100, SimSettings.DEFAULTS, 200, 1).onTimeRate(1.0, 100, 7);
        assertThat(f.stats().onTimeRate()).isLessThanOrEqualTo(bound);
    }

    @Test
    void deadlineBelowTheBestLatency_zero() {
        // uplink 0.5 ms + 10 ms processing > 10 ms
        FluidLpBound b = FluidLpBound.prepare(model(ENC, 10, 50), 100, SimSettings.DEFAULTS, 50, 1);
        assertThat(b.feasibleShare()).containsExactly(0.0);
        assertThat(b.onTimeRate(1.0, 50, 1)).isZero();
    }

    @Test
    void lightService_unboundedParallelismDoesNotBindUnlessAlphaIsOne() {
        SystemModel m = model(PRE, 100, 5);
        assertThat(FluidLpBound.prepare(m, 100, SimSettings.DEFAULTS, 50, 1).onTimeRate(1.0, 100, 7)).isEqualTo(1.0);
        // light demand (0.5, 0.5, 0, 0): two instances fit, each holding 10 ms per task: 220 of ~200 per window
        SimSettings processorSharing = SimSettings.from(Map.of("sim.parallelism-exponent", "1"));
        assertThat(FluidLpBound.prepare(m, 100, processorSharing, 50, 1).onTimeRate(1.0, 100, 7)).isEqualTo(1.0);
        assertThat(FluidLpBound.prepare(model(PRE, 100, 2.5), 100, processorSharing, 50, 1).onTimeRate(1.0, 100, 7))
                .isCloseTo(0.55, within(1e-9));
    }

    @Test
    void arrivals_areExactlyTheSimulatedFleetsForTheSeedAndLoad() {
        org.edgefm.scenario.Scenario sc = org.edgefm.scenario.ScenarioLoader.parse(PaperTable1Generator.generate(),
                "paper-table1");
        FluidLpBound b = FluidLpBound.prepare(sc.model(), 20, SimSettings.DEFAULTS, 10, 3);
        for (double load : new double[] {1, 2.5}) {
            SimulatedFleet f = new SimulatedFleet(sc, 11, load);
            f.advanceTo(150 * 20.0);
            long expected = java.util.Arrays.stream(b.arrivals(load, 150, 11)).flatMapToLong(java.util.Arrays::stream).sum();
            assertThat(f.stats().submitted()).isEqualTo(expected);
        }
    }

    @Test
    void arrivals_scheduledRates_areExactlyTheSimulatedFleets() {
        // genai-edge: the LLM streams carry rate schedules (popularity rotating every 20 slots).
        org.edgefm.scenario.Scenario sc = org.edgefm.scenario.ScenarioLoader.load(
                java.nio.file.Path.of("..", "scenarios", "genai-edge.json"));
        double slotMs = sc.run().slotMs();
        FluidLpBound b = FluidLpBound.prepare(sc.model(), slotMs, SimSettings.DEFAULTS, 10, 3);
        SimulatedFleet f = new SimulatedFleet(sc, 11, 1.0);
        f.advanceTo(40 * slotMs);
        long[][] a = b.arrivals(1.0, 40, 11);
        assertThat(f.stats().submitted()).isEqualTo(java.util.Arrays.stream(a).flatMapToLong(java.util.Arrays::stream).sum());
    }

    @Test
    void atMostTheZeroContentionBound_onAPaperTable1Draw() {
        SystemModel m = org.edgefm.scenario.ScenarioLoader.parse(PaperTable1Generator.generate(), "paper-table1").model();
        double zc = ZeroContentionBound.estimate(m, 20_000, 3).onTimeRate();
        FluidLpBound b = FluidLpBound.prepare(m, 20, SimSettings.DEFAULTS, 500, 3);
        for (double load : new double[] {1, 3}) {
            double lp = b.onTimeRate(load, 200, 20260127L);
            assertThat(lp).isBetween(0.0, zc + 0.01);
        }
    }
}
