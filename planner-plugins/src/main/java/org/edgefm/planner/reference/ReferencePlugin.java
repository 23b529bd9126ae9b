package org.edgefm.planner.reference;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgefm.api.PlannerPlugin;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.Resource;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.spi.ConfigKey;
import org.edgefm.api.spi.CoreAssignment;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.CorePlacementPlanner;
import org.edgefm.api.spi.CorePlacementPlannerFactory;
import org.edgefm.api.spi.KeyOrigin;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.LightServiceController;
import org.edgefm.api.spi.LightServiceControllerFactory;
import org.edgefm.api.spi.NodeObservation;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.api.spi.PlannerPreset;
import org.edgefm.api.spi.Reason;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.RoutingTable;
import org.edgefm.api.spi.ServiceAllocation;
import org.edgefm.api.spi.SlotObservation;
import org.edgefm.api.spi.WeightedTarget;

/**
 * The reference plugin: the smallest complete planner, meant to be copied. Its core planner puts
 * one instance of every core service on the online node with the most free GPU that fits it; its
 * controller runs one instance of every light service, at parallelism {@code reference.parallelism},
 * on the usable node with the most residual CPU, and routes every stage to the node serving it.
 * Expected failures (nothing fits, no usable node) are returned as results with reasons.
 */
public final class ReferencePlugin implements PlannerPlugin {
    /** The only setting. */
    static final ConfigKey PARALLELISM = new ConfigKey("reference.parallelism", "1",
            "parallelism of every light instance", KeyOrigin.SOLVER, "the template's fixed parallelism");

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public List<CorePlacementPlannerFactory> corePlacementPlanners() {
        return List.of(new CorePlacementPlannerFactory() {
            @Override
            public String name() {
                return "reference-core";
            }

            @Override
            public String description() {
                return "template: one instance per core service on the node with the most free GPU";
            }

            @Override
            public CorePlacementPlanner create(PlannerConfig config) {
                return ReferencePlugin::placeCore;
            }
        });
    }

    @Override
    public List<LightServiceControllerFactory> lightServiceControllers() {
        return List.of(new LightServiceControllerFactory() {
            @Override
            public String name() {
                return "reference-light";
            }

            @Override
            public String description() {
                return "template: one instance per light service on the node with the most residual CPU";
            }

            @Override
            public List<ConfigKey> configKeys() {
                return List.of(PARALLELISM);
            }

            @Override
            public LightServiceController create(PlannerConfig config) {
                int y = config.getInt(PARALLELISM.name(), 1);
                if (y < 1) {
                    throw new org.edgefm.api.ConfigException(PARALLELISM.name() + ": " + y + " (expected: >= 1)");
                }
                return obs -> decideLight(obs, y);
            }
        });
    }

    @Override
    public List<PlannerPreset> planners() {
        return List.of(new PlannerPreset("reference", "reference-core", "reference-light",
                "template planner: the smallest complete planner, copy it to start a plugin"));
    }

    static PlanResult<CorePlacement> placeCore(CorePlacementContext ctx) {
        Map<String, ResourceVector> free = new LinkedHashMap<>();
        for (NodeSpec n : ctx.model().topology().nodes()) {
            if (!ctx.offlineNodes().contains(n.id())) {
                free.put(n.id(), n.capacity());
            }
        }
        List<CoreAssignment> out = new ArrayList<>();
        List<Reason> reasons = new ArrayList<>();
        for (ServiceSpec s : ctx.model().services(ServiceKind.CORE)) {
            String best = null;
            for (Map.Entry<String, ResourceVector> e : free.entrySet()) {
                if (s.demand().fitsIn(e.getValue())
                        && (best == null || e.getValue().get(Resource.GPU) > free.get(best).get(Resource.GPU))) {
                    best = e.getKey();
                }
            }
            if (best == null) {
                reasons.add(new Reason("infeasible-capacity", "no online node has room for core service " + s.id()
                        + " (needs " + s.demand() + ")"));
                continue;
            }
            out.add(new CoreAssignment(best, s.id(), 1));
            free.put(best, free.get(best).minusFloored(s.demand()));
        }
        CorePlacement placement = new CorePlacement(out, Map.of());
        return reasons.isEmpty() ? PlanResult.planned(placement) : PlanResult.infeasible(reasons, placement);
    }

    static PlanResult<LightDecision> decideLight(SlotObservation obs, int parallelism) {
        Map<String, ResourceVector> free = new LinkedHashMap<>();
        for (NodeObservation n : obs.nodes()) {
            if (n.online()) {
                free.put(n.node(), n.residual());
            }
        }
        if (free.isEmpty()) {
            return PlanResult.infeasible(List.of(new Reason("no-usable-node", "no node is online")),
                    new LightDecision(obs.slot(), List.of(), RoutingTable.EMPTY, List.of(), List.of()));
        }
        Map<String, String> serving = new LinkedHashMap<>();
        List<ServiceAllocation> allocations = new ArrayList<>();
        List<Reason> notes = new ArrayList<>();
        for (ServiceSpec s : obs.model().services()) {
            if (s.kind() == ServiceKind.CORE) {
                obs.corePlacement().nodesHosting(s.id()).stream().filter(free::containsKey).findFirst()
                        .ifPresent(n -> serving.put(s.id(), n));
                continue;
            }
            String best = null;
            for (Map.Entry<String, ResourceVector> e : free.entrySet()) {
                if (s.demand().fitsIn(e.getValue())
                        && (best == null || e.getValue().get(Resource.CPU) > free.get(best).get(Resource.CPU))) {
                    best = e.getKey();
                }
            }
            if (best == null) {
                notes.add(new Reason("infeasible-capacity", "no usable node has room for light service " + s.id()));
                continue;
            }
            allocations.add(new ServiceAllocation(best, s.id(), 1, parallelism));
            free.put(best, free.get(best).minusFloored(s.demand()));
            serving.put(s.id(), best);
        }
        List<Route> routes = new ArrayList<>();
        for (TaskType t : obs.model().taskTypes()) {
            for (Stage st : t.stages()) {
                String node = serving.get(st.service());
                if (node != null) {
                    routes.add(new Route(t.id(), st.id(), null, List.of(new WeightedTarget(node, 1.0))));
                } else {
                    notes.add(new Reason("unrouted-stage", "no node serves " + t.id() + "/" + st.id()));
                }
            }
        }
        return PlanResult.planned(new LightDecision(obs.slot(), allocations, new RoutingTable(routes), List.of(), List.of()), notes);
    }
}
