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
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.model.UserSpec;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.api.spi.CoreAssignment;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.DemandEstimate;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.NodeObservation;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.api.spi.ServiceAllocation;
import org.edgefm.api.spi.SlotObservation;
import org.edgefm.api.spi.WeightedTarget;
import org.junit.jupiter.api.Test;

/**
 * The light controller plans for a smoothed demand, so a stream that brought no task in the last
 * slot keeps an instance and a route for each of its stages; and a live node whose telemetry is
 * late stays in the plan unless {@code ec-lyapunov.stale-after-ms} says otherwise. The scenario is the live trial's
 * default, {@code trial-lab}: about one task per second per stream against 500 ms slots, so most
 * slots count no arrival of a given stream, as the host reports them (only streams that brought a
 * task are listed).
 */
class LightEngineDemandTest {
    private static final SystemModel MODEL = ScenarioLoader.load(Path.of("../scenarios/trial-lab.json")).model();
    private static final double SLOT_MS = 500;

    private static LightEngine controller(Map<String, ?> cfg) {
        LightSettings s = LightSettings.from(PlannerConfig.of(cfg));
        return EcLyapunovController.engine(s);
    }

    private static CorePlacement core() {
        return new org.edgefm.planner.baseline.GreedyCorePlanner(CoreSettings.from(PlannerConfig.EMPTY))
                .place(new CorePlacementContext(MODEL, declared(), Set.of(), CorePlacement.EMPTY,
                        CorePlacementContext.Trigger.START, Duration.ofSeconds(5))).plan().orElseThrow();
    }

    private static List<DemandEstimate> declared() {
        List<DemandEstimate> d = new ArrayList<>();
        for (Demand w : MODEL.workload()) {
            d.add(new DemandEstimate(w.user(), w.taskType(), w.arrivals().meanRatePerMs()));
        }
        return d;
    }

    private static List<NodeObservation> nodes(CorePlacement p) {
        return nodes(p, 0.0);
    }

    private static List<NodeObservation> nodes(CorePlacement p, double telemetryAgeMs) {
        Map<String, ResourceVector> used = new HashMap<>();
        for (CoreAssignment a : p.assignments()) {
            used.merge(a.node(), MODEL.service(a.service()).demand().times(a.instances()), ResourceVector::plus);
        }
        List<NodeObservation> out = new ArrayList<>();
        for (NodeSpec n : MODEL.topology().nodes()) {
            out.add(new NodeObservation(n.id(), true, n.capacity().minusFloored(used.getOrDefault(n.id(), ResourceVector.ZERO)),
                    telemetryAgeMs, null));
        }
        return out;
    }

    private static SlotObservation slot(long k, CorePlacement p, List<DemandEstimate> arrivals) {
        return new SlotObservation(k, k * SLOT_MS, SLOT_MS, MODEL, p, nodes(p), List.of(), arrivals, List.of(), List.of(), null);
    }

    /** Every stage of every declared stream has a target, and every target runs the stage's service. */
    private static void assertEveryDeclaredStreamIsServed(LightDecision d, CorePlacement p, String when) {
        Map<String, String> userNode = new HashMap<>();
        MODEL.users().forEach((UserSpec u) -> userNode.put(u.id(), u.node()));
        for (Demand w : MODEL.workload()) {
            String origin = userNode.get(w.user());
            TaskType t = MODEL.taskTypes().stream().filter(x -> x.id().equals(w.taskType())).findFirst().orElseThrow();
            for (Stage st : t.stages()) {
                List<WeightedTarget> targets = d.routing().targets(t.id(), st.id(), origin);
                String what = when + ": " + t.id() + "/" + st.id() + " from " + origin;
                assertThat(targets).as(what).isNotEmpty();
                for (WeightedTarget target : targets) {
                    boolean core = MODEL.service(st.service()).kind() == ServiceKind.CORE;
                    ServiceAllocation a = d.allocation(target.node(), st.service());
                    assertThat(core ? p.instances(target.node(), st.service()) : a == null ? 0 : a.instances())
                            .as(what + " -> " + target.node()).isPositive();
                }
            }
        }
    }

    @Test
    void slotThatCountedOneStreamOnly_everyDeclaredStreamKeepsAnInstanceAndARoute() {
        CorePlacement p = core();
        LightEngine c = controller(Map.of());
        assertEveryDeclaredStreamIsServed(c.decide(slot(0, p, declared())).plan().orElseThrow(), p, "slot 0");
        // slot 1: one vqa task from cam-1 completed, nothing from cam-2 (caption) or cam-3
        LightDecision d = c.decide(slot(1, p, List.of(new DemandEstimate("cam-1", "vqa", 1 / SLOT_MS)))).plan().orElseThrow();
        assertEveryDeclaredStreamIsServed(d, p, "slot 1");
    }

    @Test
    void longLullOfADeclaredStream_theFloorKeepsItServed() {
        CorePlacement p = core();
        LightEngine c = controller(Map.of());
        LightDecision d = null;
        for (long k = 0; k < 400; k++) {
            d = c.decide(slot(k, p, List.of(new DemandEstimate("cam-1", "vqa", 0.001)))).plan().orElseThrow();
        }
        assertEveryDeclaredStreamIsServed(d, p, "after 400 slots without caption");
    }

    @Test
    void typeWithNoDemandAtAll_itsLightStagesShareTheInstancesOfOtherTypes() {
        CorePlacement p = core();
        LightEngine c = controller(Map.of("ec-lyapunov.demand-floor", "0", "ec-lyapunov.demand-smoothing", "1"));
        LightDecision d = c.decide(slot(1, p, List.of(new DemandEstimate("cam-1", "vqa", 0.001)))).plan().orElseThrow();
        // caption had no demand in the only slot counted; its tasks (entering anywhere) still find every stage
        for (Stage st : MODEL.taskTypes().stream().filter(t -> t.id().equals("caption")).findFirst().orElseThrow().stages()) {
            assertThat(d.routing().targets("caption", st.id(), "orin-nx")).as(st.id()).isNotEmpty();
        }
    }

    @Test
    void lateTelemetryOfALiveNode_keepsItInThePlanByDefault() {
        CorePlacement p = core();
        // a loaded machine: every agent's last telemetry is 5 s old (10 slots), the host still has them online
        SlotObservation late = new SlotObservation(1, SLOT_MS, SLOT_MS, MODEL, p, nodes(p, 5000.0), List.of(), declared(),
                List.of(), List.of(), null);
        assertEveryDeclaredStreamIsServed(controller(Map.of()).decide(late).plan().orElseThrow(), p, "late telemetry");
    }
}
