package org.edgefm.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.edgefm.sim.SimFixtures.*;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.edgefm.api.model.ChannelModel;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.model.NodeKind;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.RateModel;
import org.edgefm.api.model.Resource;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.ServiceCosts;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.SwitchingProfile;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.UserSpec;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.UserAllocation;
import org.junit.jupiter.api.Test;

/** The GenAI switching and LyMDO partition sub-models, computed by hand. */
class SeedPaperSubModelsTest {
    private static ResourceVector capacity(double power) {
        return ResourceVector.of(Map.of(Resource.CPU, 1000.0, Resource.RAM, 1000.0, Resource.GPU, 1000.0,
                Resource.VRAM, 1000.0, Resource.STORAGE, 1000.0, Resource.POWER, power));
    }

    // ---------------------------------------------------------------- paper 2

    // Access point "ap" - edge (speed 1, 10 W) - cloud (speed 2). Model "m": 10 ms at the edge, 5 ms in
    // the cloud; 100 MB of weights over 1 MB/ms plus 10 ms WAN latency, 50 ms preload, 7 J.
    private static final ServiceSpec MODEL = new ServiceSpec("m", ServiceKind.LIGHT,
            ResourceVector.of(Map.of(Resource.VRAM, 2.0, Resource.STORAGE, 3.0, Resource.POWER, 4.0)), 1.0, 0.0,
            new RateModel.Deterministic(0.1), new ServiceCosts(0, 0, 0), new SwitchingProfile(100, 50, 7), null);

    private static SimulatedFleet genaiFleet() {
        SystemModel m = model(List.of(new NodeSpec("ap", NodeKind.DEVICE, capacity(0), null, 1.0),
                        new NodeSpec("edge", NodeKind.EDGE_SERVER, capacity(10), null, 1.0),
                        new NodeSpec("cloud", NodeKind.CLOUD, capacity(0), null, 2.0)),
                List.of(new LinkSpec("ap", "edge", 1, 0, 0), new LinkSpec("edge", "cloud", 1, 0, 10)), List.of(MODEL),
                List.of(chain("q", 1.0, 1000, "m")), List.of(user("u", "ap", 1, 1)), List.of(periodic("u", "q", 100)));
        return new SimulatedFleet(m, 1000, List.of(), 1, SimSettings.DEFAULTS,
                Map.of("sim.genai.cloud-request-price", 0.5));
    }

    @Test
    void genai_switchIn_firstRequestWaitsForTransferAndPreload_thenCloudServesAfterEviction() {
        SimulatedFleet f = genaiFleet();
        List<Route> toEdge = List.of(route("q", "s0", "edge"));
        List<Route> toCloud = List.of(route("q", "s0", "cloud"));
        f.apply(directive("edge", 1, List.of(light(MODEL, 1, 1)), toEdge));
        f.apply(directive("ap", 1, List.of(), toEdge));
        f.advanceTo(1050);
        // Ready at 0 + (100/1 + 10) + 50 = 160. The request of t=100 reaches the edge at 102 (uplink
        // 1 MB / (1 · log2 2) = 1, hop 1) and ends at 170: 70 ms. Later ones: 1 + 1 + 10 = 12 ms.
        double[] first = f.stats().latenciesMs();
        assertThat(first).hasSize(10);
        assertThat(first[0]).isCloseTo(70, within(1e-9));
        assertThat(Arrays.stream(first).skip(1)).allSatisfy(l -> assertThat(l).isCloseTo(12, within(1e-9)));

        f.apply(directive("edge", 2, List.of(), toCloud));
        f.apply(directive("ap", 2, List.of(), toCloud));
        f.advanceTo(2050);
        // Cloud: uplink 1, ap→edge 1, edge→cloud 1 + 10, 1 / (0.1 · 2) = 5: 18 ms, served without a directive.
        double[] all = f.stats().latenciesMs();
        assertThat(all).hasSize(20);
        assertThat(Arrays.stream(all).skip(10)).allSatisfy(l -> assertThat(l).isCloseTo(18, within(1e-9)));

        SimStats.GenAi g = f.stats().genai();
        // Delay 70 + 9·12 + 10·18 = 358 ms → 0.358; slot 0 resident: 0.02·2 + 0.002·3 = 0.046; 10 cloud requests · 0.5.
        assertThat(g.delayCost()).isCloseTo(0.358, within(1e-9));
        assertThat(g.resourceCost()).isCloseTo(0.046, within(1e-12));
        assertThat(g.cloudRequests()).isEqualTo(10);
        assertThat(g.cost()).isCloseTo(0.358 + 0.046 + 5.0, within(1e-9));
        assertThat(g.switches()).isEqualTo(1);
        assertThat(g.meanSwitchMs()).isCloseTo(160, within(1e-9));
        // Slot 0: 4 W · 1 s + 7 J preload = 11 J > 10 W · 1 s; slot 1: nothing resident.
        assertThat(g.energyJ()).isCloseTo(11, within(1e-9));
        assertThat(g.slotsOverEnergyBudget()).isEqualTo(1);
    }

    @Test
    void genai_evictionDuringPreload_forwardsTheQueuedRequestToTheCloud() {
        SimulatedFleet f = genaiFleet();
        List<Route> toEdge = List.of(route("q", "s0", "edge"));
        List<Route> toCloud = List.of(route("q", "s0", "cloud"));
        f.apply(directive("edge", 1, List.of(light(MODEL, 1, 1)), toEdge));
        f.apply(directive("ap", 1, List.of(), toEdge));
        f.advanceTo(130);
        f.apply(directive("edge", 2, List.of(), toCloud));
        f.apply(directive("ap", 2, List.of(), toCloud));
        f.advanceTo(190);
        // Queued at the edge since 102; forwarded at 130: edge→cloud 11 ms, 5 ms there: ends 146.
        assertThat(f.stats().latenciesMs()).hasSize(1);
        assertThat(f.stats().latenciesMs()[0]).isCloseTo(46, within(1e-9));
        assertThat(f.stats().genai().cloudRequests()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- paper 3

    @Test
    void partition_serialQueues_delayAndEnergyFollowTheUserShares() {
        // Camera (speed 0.5, 2 W budget) runs b1 (10 ms at full speed → 20 ms there), the edge b2 (5 ms).
        ServiceSpec b1 = lightService("b1", 1.0, 0.5, new RateModel.Deterministic(0.1));
        ServiceSpec b2 = lightService("b2", 0.5, 0.01, new RateModel.Deterministic(0.1));
        SystemModel m = model(List.of(new NodeSpec("cam", NodeKind.DEVICE, capacity(2), null, 0.5), node("edge", 1.0)),
                List.of(new LinkSpec("cam", "edge", 2, 0, 1)), List.of(b1, b2), List.of(chain("det", 2.0, 1000, "b1", "b2")),
                List.of(new UserSpec("u", "cam", 0.1, new ChannelModel.Fixed(3))), List.of(periodic("u", "det", 200)));
        SimulatedFleet f = new SimulatedFleet(m, 1000, List.of(), 1, SimSettings.DEFAULTS, Map.of(
                "sim.partition", "serial", "sim.partition.local-power-w", 4, "sim.partition.tx-power-w", 1,
                "sim.partition.energy-budget-w", 0.1));
        List<Route> cut1 = List.of(route("det", "s0", "cam"), route("det", "s1", "edge"));
        f.apply(directive("cam", 1, List.of(light(b1, 1, 1)), cut1));
        f.apply(directive("edge", 1, List.of(light(b2, 1, 1)), cut1));
        f.applyUserAllocations(List.of(new UserAllocation("u", 0.5, 0.5, 1.0, 0.5)));
        f.advanceTo(10_000);
        // local 20 / φ 0.5 = 40; uplink 0.5 MB / (0.5 · 0.1 · log2(1 + 3)) = 5; wired 0.5/2 + 1 = 1.25;
        // edge 5 / η 0.5 = 10: 56.25 ms.
        double[] lat = f.stats().latenciesMs();
        assertThat(lat).hasSize(49);
        assertThat(Arrays.stream(lat)).allSatisfy(l -> assertThat(l).isCloseTo(56.25, within(1e-9)));
        // Per task 4 W · 0.5³ · 40 ms + 1 W · 1 · 5 ms = 0.025 J; 49 tasks in 10 s (the 50th starts at 10 s).
        SimStats.Partition p = f.stats().partition();
        assertThat(p.timeAverageW()).isCloseTo(49 * 0.025 / 10, within(1e-9));
        assertThat(p.budgetW()).isEqualTo(0.1);
        assertThat(p.satisfied()).isFalse();
    }

    /** The fleet of the test above (first task at 200 ms, one every 200 ms), with extra sub-model keys. */
    private static SimulatedFleet partitionFleet(Map<String, Object> extra) {
        ServiceSpec b1 = lightService("b1", 1.0, 0.5, new RateModel.Deterministic(0.1));
        ServiceSpec b2 = lightService("b2", 0.5, 0.01, new RateModel.Deterministic(0.1));
        SystemModel m = model(List.of(new NodeSpec("cam", NodeKind.DEVICE, capacity(2), null, 0.5), node("edge", 1.0)),
                List.of(new LinkSpec("cam", "edge", 2, 0, 1)), List.of(b1, b2), List.of(chain("det", 2.0, 1000, "b1", "b2")),
                List.of(new UserSpec("u", "cam", 0.1, new ChannelModel.Fixed(3))), List.of(periodic("u", "det", 200)));
        Map<String, Object> keys = new java.util.HashMap<>(Map.of("sim.partition", "serial",
                "sim.partition.local-power-w", 4, "sim.partition.tx-power-w", 1, "sim.partition.energy-budget-w", 0.1));
        keys.putAll(extra);
        SimulatedFleet f = new SimulatedFleet(m, 1000, List.of(), 1, SimSettings.DEFAULTS, keys);
        List<Route> cut1 = List.of(route("det", "s0", "cam"), route("det", "s1", "edge"));
        f.apply(directive("cam", 1, List.of(light(b1, 1, 1)), cut1));
        f.apply(directive("edge", 1, List.of(light(b2, 1, 1)), cut1));
        f.applyUserAllocations(List.of(new UserAllocation("u", 0.5, 0.5, 1.0, 0.5)));
        return f;
    }

    @Test
    void partition_sharesChangeDuringService_remainingWorkFollowsTheNewShares_andEnergyIsObserved() {
        SimulatedFleet f = partitionFleet(Map.of());
        f.advanceTo(210);
        // 10 ms of the first task's local work done at φ 0.5 (5 of 20 ms at full speed); φ becomes 1.
        f.applyUserAllocations(List.of(new UserAllocation("u", 0.5, 1.0, 1.0, 0.5)));
        f.advanceTo(1000);
        // local 10 + 15 = 25; uplink 5; wired 1.25; edge 10: 41.25 ms; later tasks 20 + 16.25 = 36.25 ms.
        assertThat(f.stats().latenciesMs()).containsExactly(41.25, 36.25, 36.25, 36.25);
        // Energy: 4 W · 0.5³ · 10 ms + 4 W · 15 ms + 1 W · 5 ms = 0.070 J, then 0.085 J per task.
        var users = f.snapshot().users();
        assertThat(users).hasSize(1);
        assertThat(users.get(0).energyJ()).isCloseTo(0.070 + 3 * 0.085, within(1e-12));
        assertThat(f.stats().partition().timeAverageW()).isCloseTo(0.325, within(1e-12));
    }

    @Test
    void partition_zeroShare_finishesHeldWorkAtTheLastPositiveShare() {
        SimulatedFleet f = partitionFleet(Map.of());
        f.advanceTo(210);
        // A share of 0 stops no work in flight: the device finishes at φ 0.5 (before the fix, a share
        // near 0 kept the task, and its radio or CPU, busy for the rest of the run).
        f.applyUserAllocations(List.of(new UserAllocation("u", 0.0, 0.0, 1.0, 0.0)));
        f.advanceTo(1000);
        assertThat(f.stats().latenciesMs()).containsExactly(56.25, 56.25, 56.25, 56.25);
        assertThat(f.snapshot().users().get(0).energyJ()).isCloseTo(4 * 0.025, within(1e-12));
    }

    @Test
    void partition_atStart_keepsTheSharesInForceWhenServiceBegan() {
        SimulatedFleet f = partitionFleet(Map.of("sim.partition.share-changes", "at-start"));
        f.advanceTo(210);
        f.applyUserAllocations(List.of(new UserAllocation("u", 0.5, 1.0, 1.0, 0.5)));
        f.advanceTo(1000);
        assertThat(f.stats().latenciesMs()).containsExactly(56.25, 36.25, 36.25, 36.25);
    }
}
