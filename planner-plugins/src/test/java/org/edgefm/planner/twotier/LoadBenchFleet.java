package org.edgefm.planner.twotier;

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
import org.edgefm.api.spi.CoreAssignment;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.DemandEstimate;
import org.edgefm.api.spi.NodeObservation;
import org.edgefm.api.spi.PlannerConfig;

/**
 * The light benchmarks' fleet: the one of {@code edgefm bench load} ({@code trial-lab} cells on the metro
 * backbone), its declared demand and the greedy's core placement, and the nodes' observations.
 */
final class LoadBenchFleet {
    final SystemModel model;
    final List<DemandEstimate> demand = new ArrayList<>();
    final CorePlacement placement;
    private final Map<String, ResourceVector> used = new HashMap<>();

    LoadBenchFleet(int nodes) {
        model = CandidatesPerOriginTest.linkedCells(nodes);
        for (Demand d : model.workload()) {
            demand.add(new DemandEstimate(d.user(), d.taskType(), d.arrivals().meanRatePerMs()));
        }
        placement = new org.edgefm.planner.baseline.GreedyCorePlanner(CoreSettings.from(PlannerConfig.EMPTY))
                .place(new CorePlacementContext(model, demand, Set.of(), CorePlacement.EMPTY, CorePlacementContext.Trigger.START,
                        Duration.ofSeconds(60))).plan().orElseThrow();
        for (CoreAssignment a : placement.assignments()) {
            used.merge(a.node(), model.service(a.service()).demand().times(a.instances()), ResourceVector::plus);
        }
    }

    /** Every node's observation: online unless in {@code down}, residual = capacity less its core instances. */
    List<NodeObservation> nodes(Set<String> down) {
        List<NodeObservation> out = new ArrayList<>();
        for (NodeSpec n : model.topology().nodes()) {
            out.add(new NodeObservation(n.id(), !down.contains(n.id()),
                    n.capacity().minusFloored(used.getOrDefault(n.id(), ResourceVector.ZERO)), 0.0, null));
        }
        return out;
    }
}
