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
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.spi.CoreAssignment;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.DemandEstimate;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.LightServiceController;
import org.edgefm.api.spi.NodeObservation;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.api.spi.ServiceAllocation;
import org.edgefm.api.spi.SlotObservation;
import org.edgefm.api.spi.WeightedTarget;
import org.edgefm.planner.baseline.GreedyCorePlanner;
import org.edgefm.planner.baseline.PropAvgController;
import org.edgefm.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;

/**
 * {@code light.admission-sizing}: with admission control, the light pairs are sized for the share of each
 * stream its core stages admit. On {@code paper-table1-contended} at its declared load the core tier
 * admits well under half the offered tasks, so sizing for the offered demand spends the devices'
 * resources on light instances for tasks that are rejected at arrival anyway.
 */
class LightEngineAdmissionSizingTest {
    private static final double SLOT_MS = 20;

    private static List<DemandEstimate> declared(SystemModel model) {
        List<DemandEstimate> d = new ArrayList<>();
        for (Demand w : model.workload()) {
            d.add(new DemandEstimate(w.user(), w.taskType(), w.arrivals().meanRatePerMs()));
        }
        return d;
    }

    private static CorePlacement core(SystemModel model) {
        return new GreedyCorePlanner(CoreSettings.from(PlannerConfig.EMPTY))
                .place(new CorePlacementContext(model, declared(model), Set.of(), CorePlacement.EMPTY,
                        CorePlacementContext.Trigger.START, Duration.ofSeconds(5))).plan().orElseThrow();
    }

    private static List<NodeObservation> nodes(SystemModel model, CorePlacement p) {
        Map<String, ResourceVector> used = new HashMap<>();
        for (CoreAssignment a : p.assignments()) {
            used.merge(a.node(), model.service(a.service()).demand().times(a.instances()), ResourceVector::plus);
        }
        List<NodeObservation> out = new ArrayList<>();
        for (NodeSpec n : model.topology().nodes()) {
            out.add(new NodeObservation(n.id(), true, n.capacity().minusFloored(used.getOrDefault(n.id(), ResourceVector.ZERO)),
                    0.0, null));
        }
        return out;
    }

    private static LightDecision decide(LightServiceController c, SystemModel model, CorePlacement p) {
        return c.decide(new SlotObservation(0, 0, SLOT_MS, model, p, nodes(model, p), List.of(), declared(model), List.of(),
                List.of(), null)).plan().orElseThrow();
    }

    private static int instances(LightDecision d) {
        return d.allocations().stream().mapToInt(ServiceAllocation::instances).sum();
    }

    /** Σ over streams of rate × the admitted share of its entry stage (1 − the reject weight). */
    private static double admittedRate(LightDecision d, SystemModel model) {
        Map<String, String> userNode = new HashMap<>();
        model.users().forEach(u -> userNode.put(u.id(), u.node()));
        Map<String, TaskType> types = new HashMap<>();
        model.taskTypes().forEach(t -> types.put(t.id(), t));
        double sum = 0;
        for (Demand w : model.workload()) {
            TaskType t = types.get(w.taskType());
            String entry = t.leaves().get(0).id();
            double reject = d.routing().targets(t.id(), entry, userNode.get(w.user())).stream()
                    .filter(WeightedTarget::isReject).mapToDouble(WeightedTarget::weight).sum();
            sum += w.arrivals().meanRatePerMs() * (1 - reject);
        }
        return sum;
    }

    private static LightSettings settings(String sizing) {
        return LightSettings.from(PlannerConfig.of(Map.of("light.admission-sizing", sizing)));
    }

    @Test
    void contended_sizesForTheAdmittedShare_fewerLightInstances() {
        SystemModel model = ScenarioLoader.load(Path.of("../scenarios/paper-table1-contended.json")).model();
        CorePlacement p = core(model);
        for (boolean twoTier : new boolean[] {true, false}) {
            LightDecision admitted = decide(twoTier ? new EcLyapunovController(settings("admitted"))
                    : new PropAvgController(settings("admitted")), model, p);
            LightDecision offered = decide(twoTier ? new EcLyapunovController(settings("offered"))
                    : new PropAvgController(settings("offered")), model, p);
            double total = model.workload().stream().mapToDouble(w -> w.arrivals().meanRatePerMs()).sum();
            assertThat(admittedRate(offered, model)).as("the core tier rejects part of the offered demand").isLessThan(0.8 * total);
            assertThat(instances(admitted)).as("light instances, two-tier " + twoTier).isLessThan(instances(offered));
            // in this first slot the admitted rate is lower (11.4 against 12.9 tasks/ms for two-tier): the
            // pairs are sized to the fluid estimate with no slack for the uneven per-pair admission; the
            // gain comes over the run (docs/simulator.md). It must not collapse:
            assertThat(admittedRate(admitted, model)).as("admitted rate, two-tier " + twoTier)
                    .isGreaterThan(0.5 * admittedRate(offered, model));
        }
    }

    @Test
    void idleReference_theCoreAdmitsEverything_sameDecision() {
        SystemModel model = ScenarioLoader.load(Path.of("../scenarios/paper-table1.json")).model();
        CorePlacement p = core(model);
        LightDecision admitted = decide(new EcLyapunovController(settings("admitted")), model, p);
        LightDecision offered = decide(new EcLyapunovController(settings("offered")), model, p);
        assertThat(admitted.allocations()).isEqualTo(offered.allocations());
        assertThat(admitted.routing()).isEqualTo(offered.routing());
    }
}
