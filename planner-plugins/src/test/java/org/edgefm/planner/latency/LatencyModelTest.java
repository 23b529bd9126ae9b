package org.edgefm.planner.latency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefm.api.model.ChannelModel;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.model.NodeKind;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.RateModel;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.ServiceCosts;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.model.Topology;
import org.edgefm.api.model.UserSpec;
import org.junit.jupiter.api.Test;

class LatencyModelTest {
    // a -- b (w = 1 MB/ms, 200 km), a -- c (w = 0.5, 0 km), c -- b (w = 0.5, 0 km)
    private static final Topology TOPO = new Topology(List.of(
            new NodeSpec("a", NodeKind.DEVICE, ResourceVector.of(8, 8, 8, 8)),
            new NodeSpec("b", NodeKind.EDGE_SERVER, ResourceVector.of(8, 8, 8, 8), null, 2.0),
            new NodeSpec("c", NodeKind.EDGE_SERVER, ResourceVector.of(8, 8, 8, 8))),
            List.of(new LinkSpec("a", "b", 1.0, 200, 0), new LinkSpec("a", "c", 0.5, 0, 0), new LinkSpec("c", "b", 0.5, 0, 0)));

    private static ServiceSpec svc(String id, double a, double b, RateModel f) {
        return new ServiceSpec(id, ServiceKind.LIGHT, ResourceVector.ZERO, a, b, f, ServiceCosts.PAPER1_LIGHT, null, null);
    }

    private static SystemModel model() {
        // in-tree: l1 and l2 (leaves) -> s (sink)
        TaskType t = new TaskType("t", 2.0, 100, List.of(new Stage("l1", "p", "s"), new Stage("l2", "q", "s"), new Stage("s", "r", null)));
        return new SystemModel(TOPO, List.of(svc("p", 2, 1, new RateModel.Deterministic(1)), svc("q", 1, 3, new RateModel.Deterministic(2)),
                svc("r", 4, 0.1, new RateModel.Gamma(2, 1))), List.of(t),
                List.of(new UserSpec("u", "a", 1.0, new ChannelModel.Fixed(3))), List.of());
    }

    @Test
    void eq1_uplinkIsInputOverBandwidthTimesLog2OnePlusSnr() {
        assertThat(LatencyModel.uplinkMs(2.0, 1.0, 3)).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void eq2_shortestPathDependsOnPayloadSize() {
        NetworkPaths p = new NetworkPaths(TOPO);
        // direct a-b: b/1 + 200/200 = b + 1; via c: b/0.5 + b/0.5 = 4b
        assertThat(p.delayMs("a", "b", 0.1)).isCloseTo(0.4, within(1e-12));
        assertThat(p.delayMs("a", "b", 1.0)).isCloseTo(2.0, within(1e-12));
        assertThat(p.delayMs("a", "a", 5.0)).isZero();
    }

    @Test
    void eq2_excludedNodesCarryNoTraffic() {
        NetworkPaths p = new NetworkPaths(TOPO, 200, Set.of("c"));
        assertThat(p.delayMs("a", "b", 0.1)).isCloseTo(1.1, within(1e-12));
        assertThat(p.delayMs("a", "c", 0.1)).isInfinite();
    }

    @Test
    void eqs3to5_sinkWaitsForTheSlowestParent() {
        SystemModel m = model();
        LatencyModel lm = new LatencyModel(m, new NetworkPaths(TOPO));
        TaskType t = m.taskType("t");
        // l1 at a: 1 + 2/1 = 3, then 1 MB a->b: min(1+1, 4) = 2 -> 5
        // l2 at c: 1 + input 2 MB a->c = 4, + 1/2 = 5.5, then 3 MB c->b: 6 -> 11.5
        // s at b: max(5, 11.5) + 4/4 = 12.5 (rate 4 = sample)
        Map<String, Double> times = lm.completionTimes(t, "a", Map.of("l1", "a", "l2", "c", "s", "b"), 1.0,
                Map.of("l1", 1.0, "l2", 2.0, "s", 4.0));
        assertThat(times.get("l1")).isCloseTo(3.0, within(1e-12));
        assertThat(times.get("l2")).isCloseTo(5.5, within(1e-12));
        assertThat(times.get("s")).isCloseTo(12.5, within(1e-12));
        assertThat(lm.endToEndMs(t, "a", Map.of("l1", "a", "l2", "c", "s", "b"), 1.0, Map.of("l1", 1.0, "l2", 2.0, "s", 4.0)))
                .isEqualTo(12.5);
    }

    @Test
    void meanValue_usesMeanRatesSpeedFactorsAndMeanChannel() {
        SystemModel m = model();
        LatencyModel lm = new LatencyModel(m, new NetworkPaths(TOPO));
        // r at b: mean rate 2 x speed 2 = 4 -> same numbers as above with uplink log2(1+3) = 2 -> 1 ms
        Map<String, Double> times = lm.meanCompletionTimes(m.taskType("t"), m.users().get(0), Map.of("l1", "a", "l2", "c", "s", "b"));
        assertThat(times.get("s")).isCloseTo(12.5, within(1e-12));
    }

    @Test
    void meanValueRouting_findsTheBestHostPerStage() {
        SystemModel m = model();
        LatencyModel lm = new LatencyModel(m, new NetworkPaths(TOPO));
        MeanValueRouting r = MeanValueRouting.analyse(lm, m.taskType("t"), 0, 1.0, st -> new int[] {0, 1, 2});
        // the leaves prefer the user's device a; the sink at a: max(3, 1.5) + 4/2 = 5 beats b, where
        // the best is both leaves at b too: max(1 + 3 + 2/2, 1 + 3 + 1/4) + 4/4 = 6
        assertThat(r.candidates("l1")[r.ranked("l1")[0]]).isEqualTo(0);
        assertThat(r.candidates("s")[r.ranked("s")[0]]).isEqualTo(0);
        assertThat(r.through("s", 0)).isCloseTo(5.0, within(1e-12));
        assertThat(r.through("s", 1)).isCloseTo(6.0, within(1e-12));
        assertThat(r.bestEndToEnd()).isCloseTo(r.through("s", r.ranked("s")[0]), within(1e-12));
        // d^pr of the sink at a: max(l1 at a = 3, l2 at a = 1 + 0.5 = 1.5) = 3
        assertThat(r.preceding("s", 0)).isCloseTo(3.0, within(1e-12));
    }

    @Test
    void eq1_perLeafInput_fullOrSplitAcrossLeaves() {
        SystemModel m = model();
        UserSpec u = m.users().get(0);
        TaskType t = m.taskType("t");
        LatencyModel full = new LatencyModel(m, new NetworkPaths(TOPO));
        LatencyModel split = new LatencyModel(m, new NetworkPaths(TOPO), LatencyModel.MeanChannel.LOG_OF_MEAN, LatencyModel.LeafInput.SPLIT);
        // A_n = 2 MB, b_u = 1 MB/ms, SNR 15 -> log2(16) = 4
        assertThat(full.uplinkMs(u, t, 15)).isCloseTo(0.5, within(1e-12));
        assertThat(split.uplinkMs(u, t, 15)).isCloseTo(0.25, within(1e-12));
        assertThat(full.meanUplinkMs(u, t)).isCloseTo(1.0, within(1e-12));
    }
}
