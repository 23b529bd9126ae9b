package org.edgefm.planner.genai;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.StreamSupport;
import org.edgefm.api.PlannerPlugin;
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
import org.edgefm.api.model.SwitchingProfile;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.model.Topology;
import org.edgefm.api.model.UserSpec;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.DemandEstimate;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.LightServiceController;
import org.edgefm.api.spi.LightServiceControllerFactory;
import org.edgefm.api.spi.NodeObservation;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.api.spi.PlannerPreset;
import org.edgefm.api.spi.SlotObservation;
import org.junit.jupiter.api.Test;

class GenAiControllerTest {
    private static final ResourceVector EDGE = ResourceVector.of(Map.of(Resource.STORAGE, 30.0, Resource.VRAM, 8.0,
            Resource.POWER, 400.0, Resource.GPU, 100.0));

    static ServiceSpec model(String id, double storageGb, double vramGb, double preloadMs) {
        return new ServiceSpec(id, ServiceKind.LIGHT, ResourceVector.of(Map.of(Resource.STORAGE, storageGb,
                Resource.VRAM, vramGb, Resource.POWER, 50.0)), 1.0, 0.01, new RateModel.Deterministic(0.01),
                new ServiceCosts(0, 0, 0), new SwitchingProfile(storageGb * 1000, preloadMs, 20), null);
    }

    static SystemModel system() {
        List<ServiceSpec> services = List.of(model("sd", 10, 4, 3000), model("gpt2", 2, 1, 500), model("musicgen", 15, 5, 4000));
        List<TaskType> types = services.stream().map(s -> new TaskType("t-" + s.id(), 0.01, 10_000,
                List.of(new Stage("gen", s.id(), null)))).toList();
        Topology topo = new Topology(List.of(new NodeSpec("edge", NodeKind.EDGE_SERVER, EDGE),
                new NodeSpec("cloud", NodeKind.CLOUD, ResourceVector.of(1000, 1000, 1000, 1000))),
                List.of(new LinkSpec("edge", "cloud", 1.25, 500, 200)));
        return new SystemModel(topo, services, types, List.of(new UserSpec("u", "edge", 1, new ChannelModel.Fixed(10))),
                List.of(new Demand("u", "t-sd", new ArrivalProcess.Poisson(0.02)),
                        new Demand("u", "t-gpt2", new ArrivalProcess.Poisson(0.01)),
                        new Demand("u", "t-musicgen", new ArrivalProcess.Poisson(0.0001))));
    }

    static SlotObservation slot(SystemModel m, long t, boolean online, List<DemandEstimate> arrivals) {
        return new SlotObservation(t, t * 60_000.0, 60_000, m, CorePlacement.EMPTY,
                List.of(new NodeObservation("edge", online, EDGE, 0.0, null), // one-minute slots
                        new NodeObservation("cloud", true, ResourceVector.of(1000, 1000, 1000, 1000), 0.0, null)),
                List.of(), arrivals, List.of(), List.of(), null);
    }

    static LightServiceController create(String name) {
        PlannerPlugin p = StreamSupport.stream(ServiceLoader.load(PlannerPlugin.class).spliterator(), false)
                .filter(x -> x.name().equals("genai")).findFirst().orElseThrow();
        LightServiceControllerFactory f = p.lightServiceControllers().stream().filter(x -> x.name().equals(name))
                .findFirst().orElseThrow();
        return f.create(PlannerConfig.EMPTY);
    }

    @Test
    void plugin_listsTheFivePresetsWithoutCorePlacement() {
        PlannerPlugin p = new GenAiPlugin();
        assertThat(p.planners()).extracting(PlannerPreset::name)
                .containsExactly("genai-ga", "all-cloud", "popularity-greedy", "density-greedy", "lru");
        assertThat(p.planners()).allMatch(x -> x.corePlanner().equals(PlannerPreset.NO_CORE));
        assertThat(p.lightServiceControllers().get(0).configKeys()).anyMatch(k -> k.name().equals("genai.delay-weight") && k.origin() == org.edgefm.api.spi.KeyOrigin.RECONSTRUCTION);
    }

    @Test
    void decide_popularModels_residentAtEdgeAndTheRestRoutedToTheCloud() {
        SystemModel m = system();
        LightServiceController c = create("genai-ga");
        PlanResult<LightDecision> r = c.decide(slot(m, 0, true, List.of()));
        LightDecision d = r.plan().orElseThrow();
        assertThat(r).isInstanceOf(PlanResult.Planned.class);
        assertThat(d.allocation("edge", "sd")).isNotNull();
        assertThat(d.allocation("edge", "gpt2")).isNotNull();
        assertThat(d.allocation("edge", "musicgen")).isNull();
        assertThat(d.routing().targets("t-musicgen", "gen", "u")).extracting(t -> t.node()).containsExactly("cloud");
        assertThat(d.routing().targets("t-sd", "gen", "u")).extracting(t -> t.node()).containsExactly("edge");
        assertThat(r.reasons()).anyMatch(x -> x.code().equals("genai-cost"));
    }

    @Test
    void decide_allCloud_routesEveryRequestToTheCloud() {
        LightDecision d = create("all-cloud").decide(slot(system(), 0, true, List.of())).plan().orElseThrow();
        assertThat(d.allocations()).isEmpty();
        assertThat(d.routing().routes()).allMatch(r -> r.targets().get(0).node().equals("cloud"));
    }

    @Test
    void decide_edgeOffline_returnsInfeasibleWithACloudOnlyPlan() {
        PlanResult<LightDecision> r = create("genai-ga").decide(slot(system(), 3, false,
                List.of(new DemandEstimate("u", "t-sd", 0.02))));
        assertThat(r).isInstanceOf(PlanResult.Infeasible.class);
        assertThat(r.reasons()).extracting(x -> x.code()).containsExactly("edge-offline");
        assertThat(r.plan().orElseThrow().routing().targets("t-sd", "gen", null).get(0).node()).isEqualTo("cloud");
    }

    @Test
    void decide_demandShifts_warmStartKeepsModelsUntilTheForecastMoves() {
        SystemModel m = system();
        LightServiceController c = create("genai-ga");
        c.decide(slot(m, 0, true, List.of()));
        // Demand moves entirely to musicgen; with smoothing 0.5 the sd forecast decays over a few slots.
        List<DemandEstimate> shifted = List.of(new DemandEstimate("u", "t-musicgen", 0.03));
        LightDecision last = null;
        for (int t = 1; t <= 8; t++) {
            last = c.decide(slot(m, t, true, shifted)).plan().orElseThrow();
        }
        assertThat(last.allocation("edge", "musicgen")).isNotNull();
        assertThat(last.allocation("edge", "sd")).isNull();
    }
}
