package org.edgefm.planner.twotier;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefm.api.model.Demand;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.spi.CoreAssignment;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.DemandEstimate;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.NodeObservation;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.ServiceAllocation;
import org.edgefm.api.spi.SlotObservation;
import org.edgefm.api.spi.WeightedTarget;
import org.edgefm.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;

/**
 * On {@code paper-table1-contended} the devices' residual capacity cannot take every light pair the
 * demand attribution asks for, so some pairs get no instance when a node's resources are resolved.
 * A light stage must then not be routed there: a task sent to a node that does not run the service is
 * lost. Every light target of every route runs the stage's service, for every engine-based controller.
 */
class LightEngineRoutingTest {
    private static final SystemModel MODEL = ScenarioLoader.load(Path.of("../scenarios/paper-table1-contended.json")).model();
    private static final double SLOT_MS = 20;

    private static List<DemandEstimate> declared() {
        List<DemandEstimate> d = new ArrayList<>();
        for (Demand w : MODEL.workload()) {
            d.add(new DemandEstimate(w.user(), w.taskType(), w.arrivals().meanRatePerMs()));
        }
        return d;
    }

    private static CorePlacement core() {
        return new org.edgefm.planner.baseline.GreedyCorePlanner(CoreSettings.from(PlannerConfig.EMPTY))
                .place(new CorePlacementContext(MODEL, declared(), Set.of(), CorePlacement.EMPTY,
                        CorePlacementContext.Trigger.START, Duration.ofSeconds(5))).plan().orElseThrow();
    }

    private static List<NodeObservation> nodes(CorePlacement p) {
        Map<String, ResourceVector> used = new HashMap<>();
        for (CoreAssignment a : p.assignments()) {
            used.merge(a.node(), MODEL.service(a.service()).demand().times(a.instances()), ResourceVector::plus);
        }
        List<NodeObservation> out = new ArrayList<>();
        for (NodeSpec n : MODEL.topology().nodes()) {
            out.add(new NodeObservation(n.id(), true, n.capacity().minusFloored(used.getOrDefault(n.id(), ResourceVector.ZERO)),
                    0.0, null));
        }
        return out;
    }

    private static int lightTargetsWithoutInstance(LightDecision d) {
        Map<String, TaskType> types = new HashMap<>();
        MODEL.taskTypes().forEach(t -> types.put(t.id(), t));
        int bad = 0;
        int light = 0;
        for (Route r : d.routing().routes()) {
            String svc = types.get(r.taskType()).stage(r.stage()).service();
            if (MODEL.service(svc).kind() != ServiceKind.LIGHT) {
                continue;
            }
            light++;
            for (WeightedTarget t : r.targets()) {
                if (t.isReject()) {
                    continue; // admission control, not a node
                }
                ServiceAllocation a = d.allocation(t.node(), svc);
                if (a == null || a.instances() == 0) {
                    bad++;
                }
            }
        }
        assertThat(light).as("light routes").isPositive();
        return bad;
    }

    @Test
    void everyLightTargetRunsItsService_forEachController() {
        CorePlacement p = core();
        LightSettings s = LightSettings.from(PlannerConfig.EMPTY);
        for (org.edgefm.api.spi.LightServiceController c : List.of(new EcLyapunovController(s),
                new org.edgefm.planner.baseline.PropAvgController(s), new org.edgefm.planner.baseline.GreedyLightController(s))) {
            for (long k = 0; k < 3; k++) {
                LightDecision d = c.decide(new SlotObservation(k, k * SLOT_MS, SLOT_MS, MODEL, p, nodes(p), List.of(), declared(),
                        List.of(), List.of(), null)).plan().orElseThrow();
                assertThat(lightTargetsWithoutInstance(d)).as("slot " + k).isZero();
            }
        }
    }
}
