package org.edgefm.planner.lymdo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgefm.api.model.ArrivalProcess;
import org.edgefm.api.model.ChannelModel;
import org.edgefm.api.model.Demand;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.model.NodeKind;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.RateModel;
import org.edgefm.api.model.Resource;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.ServiceCosts;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.model.Topology;
import org.edgefm.api.model.UserSpec;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.DemandEstimate;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.LightServiceController;
import org.edgefm.api.spi.NodeObservation;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.api.spi.PlannerPreset;
import org.edgefm.api.spi.SlotObservation;
import org.edgefm.api.spi.UserAllocation;
import org.edgefm.api.spi.UserObservation;
import org.junit.jupiter.api.Test;

class LymdoControllerTest {
    @org.junit.jupiter.api.BeforeAll
    static void oneNd4jThread() {
        // The actor's matrices are tiny; on a busy 2-core machine ND4J's threads only add overhead.
        org.nd4j.linalg.factory.Nd4j.getEnvironment().setMaxThreads(1);
    }

    static ServiceSpec block(String id, double workMb, double outMb) {
        return new ServiceSpec(id, ServiceKind.LIGHT, ResourceVector.of(Map.of(Resource.CPU, 1.0)), workMb, outMb,
                new RateModel.Deterministic(0.1), new ServiceCosts(0, 0, 0), null, null);
    }

    /** Two camera devices (speed 0.125 of the edge) running a 3-block detector chain. */
    static SystemModel system(double powerBudgetW) {
        ResourceVector dev = ResourceVector.of(Map.of(Resource.CPU, 6.0, Resource.POWER, powerBudgetW));
        Topology topo = new Topology(List.of(new NodeSpec("cam-a", NodeKind.DEVICE, dev, null, 0.125),
                new NodeSpec("cam-b", NodeKind.DEVICE, dev, null, 0.125),
                new NodeSpec("edge", NodeKind.EDGE_SERVER, ResourceVector.of(64, 128, 64, 24))),
                List.of(new LinkSpec("cam-a", "edge", 1, 0.1, 0), new LinkSpec("cam-b", "edge", 1, 0.1, 0)));
        List<ServiceSpec> services = List.of(block("b1", 0.1, 0.8), block("b2", 0.12, 0.1), block("b3", 0.1, 0.01));
        TaskType det = new TaskType("detect", 0.3, 200, List.of(new Stage("s1", "b1", "s2"), new Stage("s2", "b2", "s3"),
                new Stage("s3", "b3", null)));
        List<UserSpec> users = List.of(
                new UserSpec("ua", "cam-a", 0.00125, new ChannelModel.Fixed(100)),
                new UserSpec("ub", "cam-b", 0.00125, new ChannelModel.Fixed(30)));
        return new SystemModel(topo, services, List.of(det), users,
                List.of(new Demand("ua", "detect", new ArrivalProcess.Periodic(100)),
                        new Demand("ub", "detect", new ArrivalProcess.Periodic(100))));
    }

    static SlotObservation slot(SystemModel m, long t, List<DemandEstimate> arrivals, List<UserObservation> users) {
        List<NodeObservation> nodes = new ArrayList<>();
        for (NodeSpec n : m.topology().nodes()) {
            nodes.add(new NodeObservation(n.id(), true, n.capacity(), 0.0, null));
        }
        return new SlotObservation(t, t * 100.0, 100, m, CorePlacement.EMPTY, nodes, List.of(), arrivals, users, List.of(), null);
    }

    static List<DemandEstimate> tenFps() {
        return List.of(new DemandEstimate("ua", "detect", 0.01), new DemandEstimate("ub", "detect", 0.01));
    }

    static List<UserObservation> channels() {
        return List.of(new UserObservation("ua", 100), new UserObservation("ub", 30));
    }

    static LightServiceController create(String name, Map<String, String> config) {
        return new LymdoPlugin().lightServiceControllers().stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow().create(new PlannerConfig(config));
    }

    /** The cut implied by the routes of a user's device: the number of leading stages at the device. */
    static int cutOf(LightDecision d, String device) {
        int cut = 0;
        for (String s : List.of("s1", "s2", "s3")) {
            if (d.routing().targets("detect", s, device).get(0).node().equals(device)) {
                cut++;
            }
        }
        return cut;
    }

    @Test
    void plugin_listsTheFivePresetsWithoutCorePlacement() {
        assertThat(new LymdoPlugin().planners()).extracting(PlannerPreset::name)
                .containsExactly("lymdo", "lymdo-exhaustive", "all-local", "all-edge", "fixed-split");
        assertThat(new LymdoPlugin().planners()).allMatch(p -> p.corePlanner().equals(PlannerPreset.NO_CORE));
    }

    @Test
    void decide_exhaustive_routesAPrefixToTheDeviceAndAllocatesValidShares() {
        SystemModel m = system(2.0);
        LightServiceController c = create("lymdo-exhaustive", Map.of());
        for (int t = 0; t < 5; t++) {
            PlanResult<LightDecision> r = c.decide(slot(m, t, t == 0 ? List.of() : tenFps(), channels()));
            assertThat(r).isInstanceOf(PlanResult.Planned.class);
            LightDecision d = r.plan().orElseThrow();
            for (String dev : List.of("cam-a", "cam-b")) {
                int cut = cutOf(d, dev);
                // The routes form a prefix: once a stage is at the edge, every later one is too.
                for (int k = 0; k < 3; k++) {
                    String target = d.routing().targets("detect", "s" + (k + 1), dev).get(0).node();
                    assertThat(target).isEqualTo(k < cut ? dev : "edge");
                }
            }
            double bw = 0;
            double edge = 0;
            for (UserAllocation u : d.users()) {
                bw += u.bandwidthShare() == null ? 0 : u.bandwidthShare();
                edge += u.edgeComputeShare() == null ? 0 : u.edgeComputeShare();
            }
            assertThat(bw).isLessThanOrEqualTo(1 + 1e-9);
            assertThat(edge).isLessThanOrEqualTo(1 + 1e-9);
            assertThat(r.reasons()).anyMatch(x -> x.code().equals("lymdo-slot"));
        }
    }

    @Test
    void decide_baselines_followTheirFixedRules() {
        SystemModel m = system(2.0);
        LightDecision local = create("all-local", Map.of()).decide(slot(m, 0, tenFps(), channels())).plan().orElseThrow();
        LightDecision edge = create("all-edge", Map.of()).decide(slot(m, 0, tenFps(), channels())).plan().orElseThrow();
        assertThat(cutOf(local, "cam-a")).isEqualTo(3);
        assertThat(cutOf(local, "cam-b")).isEqualTo(3);
        assertThat(cutOf(edge, "cam-a")).isZero();
        assertThat(local.allocation("edge", "b1")).isNull();
        assertThat(edge.allocation("edge", "b1").computeShare()).isNotNull();
    }

    @Test
    void decide_tightEnergyBudget_growsTheVirtualQueueAndSlowsTheDevice() {
        SystemModel m = system(0.3);
        LymdoController c = (LymdoController) create("all-local", Map.of("lymdo.v", "0.003"));
        LightDecision d = null;
        for (int t = 0; t < 40; t++) {
            d = c.decide(slot(m, t, tenFps(), channels())).plan().orElseThrow();
        }
        assertThat(c.queues().get("ua")).isGreaterThan(0);
        assertThat(d.users().get(0).localComputeShare()).isLessThan(1.0);
    }

    @Test
    void decide_observedEnergy_chargesTheVirtualQueuesWithIt() {
        SystemModel m = system(2.0);       // 2 W · 100 ms = 0.2 J per slot
        List<UserObservation> measured = List.of(new UserObservation("ua", 100, 0.5), new UserObservation("ub", 30, 0.05));
        LymdoController observed = (LymdoController) create("all-local", Map.of());
        observed.decide(slot(m, 0, tenFps(), channels()));
        observed.decide(slot(m, 1, tenFps(), measured));
        assertThat(observed.queues().get("ua")).isCloseTo(0.3, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(observed.queues().get("ub")).isZero();
        // With lymdo.queue-charge = model the same slot charges the model's energy instead.
        LymdoController model = (LymdoController) create("all-local", Map.of("lymdo.queue-charge", "model"));
        model.decide(slot(m, 0, tenFps(), channels()));
        model.decide(slot(m, 1, tenFps(), measured));
        assertThat(model.queues().get("ua")).isNotCloseTo(0.3, org.assertj.core.api.Assertions.within(1e-6));
        // A bad value is a one-line configuration error naming the key.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> create("lymdo", Map.of("lymdo.queue-charge", "guess")))
                .hasMessageContaining("lymdo.queue-charge");
    }

    @Test
    void decide_staleMetrics_returnsAPlanWithReasons() {
        SystemModel m = system(2.0);
        LightServiceController c = create("lymdo", Map.of());
        c.decide(slot(m, 0, tenFps(), channels()));
        PlanResult<LightDecision> r = c.decide(slot(m, 1, List.of(), List.of()));
        assertThat(r.plan()).isPresent();
        assertThat(r.reasons()).extracting(x -> x.code()).contains("stale-arrivals", "stale-channel");
    }

    @Test
    void decide_learnedActor_runsManySlotsWithFeasibleDecisions() {
        SystemModel m = system(2.0);
        LightServiceController c = create("lymdo", Map.of("lymdo.seed", "5"));
        int planned = 0;
        for (int t = 0; t < 60; t++) {
            if (c.decide(slot(m, t, tenFps(), channels())) instanceof PlanResult.Planned) {
                planned++;
            }
        }
        assertThat(planned).isEqualTo(60);
    }
}
