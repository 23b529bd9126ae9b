package org.edgefm.control;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.spi.CoreAssignment;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.CorePlacementPlanner;
import org.edgefm.api.spi.DemandEstimate;
import org.edgefm.api.spi.NodeObservation;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.api.spi.SlotObservation;
import org.edgefm.control.internal.PluginCaller;

/**
 * The shadow's core tier ({@link ShadowPlanner}): decides when to re-place core services (at the first
 * observation, when a node holding a shadow core service goes offline, when the set of nodes or the live
 * placement changes, every planning epoch), calls the shadow's core planner within its budget, books the
 * call on the shadow's guard and keeps the last usable placement; and gives the nodes' residual capacity
 * left by that placement. Used by the shadow's worker thread only; {@link #placement()} from any thread.
 */
final class ShadowCorePlacement implements AutoCloseable {
    private final CorePlacementPlanner corePlanner;
    private final PluginCaller coreCaller;
    private final String name;
    private final Duration coreBudget;
    private final double planningEpochMs;
    private volatile CorePlacement placement;
    private CorePlacement lastLive;
    private Set<String> lastNodes = Set.of();
    private double lastPlanMs = Double.NaN;

    /**
     * @param corePlanner     the shadow's core planner, or null for none
     * @param coreName        its name
     * @param coreBudget      time budget of one call
     * @param planningEpochMs re-placement period, 0 for none
     */
    ShadowCorePlacement(CorePlacementPlanner corePlanner, String coreName, Duration coreBudget, double planningEpochMs) {
        this.corePlanner = corePlanner;
        this.coreCaller = corePlanner == null ? null : new PluginCaller("edgefm-shadow-core-" + coreName, true);
        this.name = ShadowPlanner.guardName(coreName);
        this.coreBudget = coreBudget;
        this.planningEpochMs = planningEpochMs;
    }

    /** The shadow's core placement in force, or null before its first usable one (any thread). */
    CorePlacement placement() {
        return placement;
    }

    /** Re-places core services when one of the triggers holds, booking the call on {@code guard}. */
    void update(SlotObservation obs, PluginCallGuard guard) {
        if (corePlanner == null) {
            return;
        }
        SystemModel model = obs.model();
        Set<String> nodes = new TreeSet<>(model.topology().nodesById().keySet());
        Set<String> offline = new HashSet<>();
        for (NodeObservation n : obs.nodes()) {
            if (!n.online()) {
                offline.add(n.node());
            }
        }
        CorePlacementContext.Trigger trigger = null;
        if (placement == null && Double.isNaN(lastPlanMs)) {
            trigger = CorePlacementContext.Trigger.START;
        } else if (placement != null && placement.assignments().stream().anyMatch(a -> offline.contains(a.node()))) {
            trigger = CorePlacementContext.Trigger.NODE_LOST;
        } else if (!nodes.equals(lastNodes)) {
            trigger = CorePlacementContext.Trigger.NODE_JOINED;
        } else if (!obs.corePlacement().equals(lastLive)
                || (planningEpochMs > 0 && obs.nowMs() - lastPlanMs >= planningEpochMs)) {
            trigger = CorePlacementContext.Trigger.EPOCH;
        }
        lastLive = obs.corePlacement();
        lastNodes = nodes;
        if (trigger == null) {
            return;
        }
        lastPlanMs = obs.nowMs();
        List<DemandEstimate> demand = new ArrayList<>();
        model.workload().forEach(d -> demand.add(new DemandEstimate(d.user(), d.taskType(), d.arrivals().meanRatePerMs())));
        CorePlacementContext ctx = new CorePlacementContext(model, demand, offline,
                placement == null ? CorePlacement.EMPTY : placement, trigger, coreBudget);
        PluginCaller.Outcome<PlanResult<CorePlacement>> out = coreCaller.call(() -> corePlanner.place(ctx), coreBudget);
        if (out instanceof PluginCaller.Failed<PlanResult<CorePlacement>> f) {
            guard.coreCall(obs.slot(), name, f.reason(), f.detail(), f.elapsedMs());
        } else if (out instanceof PluginCaller.Returned<PlanResult<CorePlacement>> r) {
            if (r.value() == null || r.value().plan().isEmpty()) {
                guard.coreCall(obs.slot(), name, r.value() == null ? PluginHealth.EMPTY : PluginHealth.INFEASIBLE,
                        r.value() == null ? "returned null" : "no plan: " + r.value().reasons(), r.elapsedMs());
            } else {
                List<String> onOffline = r.value().plan().get().assignments().stream().map(CoreAssignment::node)
                        .filter(offline::contains).distinct().toList();
                if (!onOffline.isEmpty()) {
                    guard.coreCall(obs.slot(), name, PluginHealth.INFEASIBLE, "placed core services on offline nodes "
                            + onOffline, r.elapsedMs());
                } else {
                    guard.coreCall(obs.slot(), name, null, null, r.elapsedMs());
                    placement = r.value().plan().get();
                }
            }
        }
    }

    /** The nodes as the live loop observed them, with residual capacity left by the shadow's core placement. */
    static List<NodeObservation> residual(SlotObservation obs, CorePlacement mine) {
        if (mine == obs.corePlacement()) {
            return obs.nodes();
        }
        Map<String, ServiceSpec> catalog = new LinkedHashMap<>();
        obs.model().services().forEach(s -> catalog.put(s.id(), s));
        Map<String, NodeSpec> specs = obs.model().topology().nodesById();
        List<NodeObservation> out = new ArrayList<>();
        for (NodeObservation n : obs.nodes()) {
            NodeSpec spec = specs.get(n.node());
            if (spec == null) {
                out.add(n);
                continue;
            }
            ResourceVector used = ResourceVector.ZERO;
            for (CoreAssignment a : mine.onNode(n.node())) {
                ServiceSpec s = catalog.get(a.service());
                if (s != null) {
                    used = used.plus(s.demand().times(a.instances()));
                }
            }
            out.add(new NodeObservation(n.node(), n.online(), spec.capacity().minusFloored(used), n.telemetryAgeMs(),
                    n.cpuLoad()));
        }
        return out;
    }

    @Override
    public void close() {
        if (coreCaller != null) {
            coreCaller.close();
        }
    }
}
