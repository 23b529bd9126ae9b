package org.edgefm.planner.genai;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.edgefm.api.model.Latency;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.model.NodeKind;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.Resource;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.spi.DemandEstimate;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.LightServiceController;
import org.edgefm.api.spi.NodeObservation;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.api.spi.Reason;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.RoutingTable;
import org.edgefm.api.spi.ServiceAllocation;
import org.edgefm.api.spi.ServiceObservation;
import org.edgefm.api.spi.SlotObservation;
import org.edgefm.api.spi.WeightedTarget;

/**
 * Seed paper 2 as a light-service controller: every slot it builds the {@link DeploymentProblem}
 * of the edge server from the observation, lets a {@link DeploymentPolicy} (the GA or a baseline)
 * choose the resident models, and expresses the choice through the SPI: one instance of every
 * resident model at the edge server, routes to the edge for resident models and to the cloud node
 * for the others ("served by the cloud", papers.md 3.2).
 *
 * <p>Mapping of the paper's quantities (papers.md 3.3, reconstruction [I]): a model is a catalog
 * service with a {@code switching} profile; {@code s_i} = its STORAGE demand, {@code g_i} = VRAM,
 * residency power = POWER (W, times the slot length gives {@code e_i} in J); {@code τ^tx_i} =
 * transferMb over the cloud-edge link; {@code τ^io_i} = preloadMs; {@code τ^inf_i} and the cloud's
 * processing time from the service's rate and each node's speed factor; the budgets are the edge
 * node's residual STORAGE, VRAM and POWER (W times the slot length). State kept between slots: the
 * deployment in force (warm start and switching cost) and the request-rate forecast.
 */
public final class GenAiController implements LightServiceController {
    private final GenAiSettings settings;
    private final DeploymentPolicy policy;
    private final Map<String, Double> forecast = new HashMap<>();
    private Set<String> resident = new LinkedHashSet<>();
    private DeploymentProblem lastProblem;
    private boolean[] lastDecision;

    /** A controller that decides with {@code policy}. */
    public GenAiController(GenAiSettings settings, DeploymentPolicy policy) {
        this.settings = settings;
        this.policy = policy;
    }

    @Override
    public PlanResult<LightDecision> decide(SlotObservation obs) {
        List<Reason> notes = new ArrayList<>();
        SystemModel model = obs.model();
        Optional<NodeSpec> edge = pick(model, settings.edgeNode(), NodeKind.EDGE_SERVER);
        if (edge.isEmpty()) {
            return PlanResult.infeasible(List.of(new Reason("no-edge-server", settings.edgeNode().isEmpty()
                    ? "the topology has no edge-server node" : "genai.edge-node '" + settings.edgeNode() + "' is not a node")), null);
        }
        Optional<NodeSpec> cloud = pick(model, settings.cloudNode(), NodeKind.CLOUD);
        String edgeId = edge.get().id();
        List<ServiceSpec> models = model.services().stream().filter(s -> s.switching() != null).toList();
        if (models.isEmpty()) {
            notes.add(new Reason("no-switchable-models", "no service has a switching profile; nothing to deploy"));
        }

        // Observed requests per model over the last slot, and the forecast for the next one.
        Map<String, Double> observed = requestsPerModel(obs, model, models, notes);
        for (ServiceSpec s : models) {
            double o = observed.getOrDefault(s.id(), 0.0);
            forecast.merge(s.id(), o, (old, now) -> (1 - settings.rateSmoothing()) * old + settings.rateSmoothing() * now);
        }

        NodeObservation edgeObs = obs.node(edgeId);
        boolean edgeOnline = edgeObs == null || edgeObs.online();
        ResourceVector budget = edgeObs == null ? edge.get().capacity() : edgeObs.residual();
        if (edgeObs == null) {
            notes.add(new Reason("stale-node", "no observation of edge server " + edgeId + "; using its declared capacity"));
        }
        Set<String> previous = previousResident(obs, edgeId, models);
        double slotS = obs.slotMs() / 1000.0;
        LinkSpec backhaul = cloud.flatMap(c -> model.topology().link(c.id(), edgeId)).orElse(null);
        double bw = backhaul == null ? settings.backhaulMbPerMs() : backhaul.bandwidthMbPerMs();
        double rtt = backhaul == null ? 0 : Latency.roundTripMs(backhaul, Latency.DEFAULT_KM_PER_MS);

        List<DeploymentProblem.Model> ms = new ArrayList<>();
        boolean[] prev = new boolean[models.size()];
        double[] obsArr = new double[models.size()];
        for (int i = 0; i < models.size(); i++) {
            ServiceSpec s = models.get(i);
            double cloudMs = cloud.map(c -> s.meanProcessingMs(c.speedFactor())).orElse(Double.NaN);
            if (Double.isNaN(cloudMs)) {
                cloudMs = 0;
            }
            cloudMs += rtt + s.workloadMb() / bw;
            ms.add(new DeploymentProblem.Model(s.id(), s.demand().get(Resource.STORAGE), s.demand().get(Resource.VRAM),
                    s.switching().transferMb() / bw, s.switching().preloadMs(), s.meanProcessingMs(edge.get().speedFactor()),
                    cloudMs, forecast.getOrDefault(s.id(), 0.0), s.demand().get(Resource.POWER) * slotS,
                    s.switching().preloadEnergyJ()));
            prev[i] = previous.contains(s.id());
            obsArr[i] = observed.getOrDefault(s.id(), 0.0);
        }
        DeploymentProblem problem = new DeploymentProblem(ms, budget.get(Resource.STORAGE), budget.get(Resource.VRAM),
                budget.get(Resource.POWER) * slotS,
                new DeploymentProblem.Weights(settings.delayWeight(), settings.storagePrice(), settings.gpuPrice()), prev);

        boolean[] x = edgeOnline ? policy.decide(problem, obsArr, obs.slot()) : new boolean[models.size()];
        if (!DeploymentCost.feasible(problem, x)) {
            // A policy bug must not reach the fleet: repair, and say so.
            notes.add(new Reason("repaired", "policy returned an infeasible deployment ("
                    + String.join("; ", DeploymentCost.violations(problem, x)) + "); repaired"));
            DeploymentCost.repair(problem, x);
        }
        Set<String> now = new LinkedHashSet<>();
        for (int i = 0; i < x.length; i++) {
            if (x[i]) {
                now.add(models.get(i).id());
            }
        }
        resident = now;
        lastProblem = problem;
        lastDecision = x.clone();
        notes.add(new Reason("genai-cost", String.format(java.util.Locale.ROOT,
                "predicted cost %.4f (delay %.1f ms: switching %.1f, cloud %.1f; resource %.4f; energy %.1f of %.1f J); resident %s",
                DeploymentCost.cost(problem, x), DeploymentCost.delayMs(problem, x), DeploymentCost.switchingMs(problem, x),
                DeploymentCost.cloudMs(problem, x), DeploymentCost.resourceCost(problem, x), DeploymentCost.energyJ(problem, x),
                problem.energyBudget(), now)));

        LightDecision decision = decision(obs, edgeId, cloud.map(NodeSpec::id).orElse(null), now, notes);
        if (!edgeOnline) {
            return PlanResult.infeasible(List.of(new Reason("edge-offline", "edge server " + edgeId
                    + " is offline; every request is routed to the cloud")), decision);
        }
        return PlanResult.planned(decision, notes);
    }

    /** The problem of the last slot decided (forecast requests), or null; for evaluations. */
    DeploymentProblem lastProblem() {
        return lastProblem;
    }

    /** The deployment chosen in the last slot, or null; for evaluations. */
    boolean[] lastDecision() {
        return lastDecision == null ? null : lastDecision.clone();
    }

    /** The deployment in force: from the edge's service observations where reported, else our own state. */
    private Set<String> previousResident(SlotObservation obs, String edgeId, List<ServiceSpec> models) {
        Set<String> out = new LinkedHashSet<>();
        boolean reported = false;
        for (ServiceSpec s : models) {
            ServiceObservation so = obs.service(edgeId, s.id());
            if (so != null) {
                reported = true;
                if (so.instances() > 0) {
                    out.add(s.id());
                }
            }
        }
        return reported ? out : new LinkedHashSet<>(resident);
    }

    /** Requests per model in the last slot: arrivals per (user, task type) times the slot length. */
    private static Map<String, Double> requestsPerModel(SlotObservation obs, SystemModel model, List<ServiceSpec> models,
            List<Reason> notes) {
        Set<String> ids = new LinkedHashSet<>();
        models.forEach(s -> ids.add(s.id()));
        List<DemandEstimate> arrivals = obs.arrivals();
        if (arrivals.isEmpty() && obs.slot() == 0) {
            // First slot: nothing counted yet, so the declared workload is the forecast.
            arrivals = model.workload().stream()
                    .map(d -> new DemandEstimate(d.user(), d.taskType(), d.arrivals().meanRatePerMs())).toList();
            notes.add(new Reason("declared-demand", "no arrivals counted yet; using the scenario's declared rates"));
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (DemandEstimate d : arrivals) {
            TaskType t = taskType(model, d.taskType());
            if (t == null) {
                notes.add(new Reason("unknown-task-type", "arrivals for unknown task type '" + d.taskType() + "' ignored"));
                continue;
            }
            for (Stage st : t.stages()) {
                if (ids.contains(st.service())) {
                    out.merge(st.service(), d.ratePerMs() * obs.slotMs(), Double::sum);
                }
            }
        }
        return out;
    }

    private LightDecision decision(SlotObservation obs, String edgeId, String cloudId, Set<String> now, List<Reason> notes) {
        SystemModel model = obs.model();
        List<ServiceAllocation> allocs = new ArrayList<>();
        Set<String> edgeServices = new LinkedHashSet<>();
        List<Route> routes = new ArrayList<>();
        boolean cloudMissingNoted = false;
        for (TaskType t : model.taskTypes()) {
            for (Stage st : t.stages()) {
                ServiceSpec s = model.service(st.service());
                String target = edgeId;
                if (s.switching() != null && !now.contains(s.id())) {
                    if (cloudId != null) {
                        target = cloudId;                               // served by the cloud
                    } else if (!cloudMissingNoted) {
                        notes.add(new Reason("no-cloud", "no cloud node: requests for models not at the edge stay at "
                                + edgeId + " and wait for a switch"));
                        cloudMissingNoted = true;
                    }
                }
                if (target.equals(edgeId)) {
                    edgeServices.add(s.id());
                }
                routes.add(new Route(t.id(), st.id(), null, List.of(new WeightedTarget(target, 1.0))));
            }
        }
        for (String s : edgeServices) {
            boolean isModel = model.service(s).switching() != null;
            allocs.add(new ServiceAllocation(edgeId, s, 1, isModel ? settings.parallelism() : 1));
        }
        if (cloudId != null && settings.cloudInstances()) {
            // The cloud keeps the whole model library resident (papers.md 3.2), so a live cloud agent
            // can serve every request routed to it.
            for (ServiceSpec s : model.services()) {
                if (s.switching() != null) {
                    allocs.add(new ServiceAllocation(cloudId, s.id(), 1, settings.parallelism()));
                }
            }
        }
        return new LightDecision(obs.slot(), allocs, new RoutingTable(routes), List.of(), notes);
    }

    private static TaskType taskType(SystemModel m, String id) {
        for (TaskType t : m.taskTypes()) {
            if (t.id().equals(id)) {
                return t;
            }
        }
        return null;
    }

    private static Optional<NodeSpec> pick(SystemModel m, String id, NodeKind kind) {
        if (!id.isEmpty()) {
            return m.topology().node(id);
        }
        return m.topology().nodes().stream().filter(n -> n.kind() == kind).findFirst();
    }
}
