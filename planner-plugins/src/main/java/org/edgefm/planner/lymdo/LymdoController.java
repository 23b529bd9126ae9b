package org.edgefm.planner.lymdo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.edgefm.api.model.Demand;
import org.edgefm.api.model.NodeKind;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.Resource;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.model.UserSpec;
import org.edgefm.api.spi.DemandEstimate;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.LightServiceController;
import org.edgefm.api.spi.NodeObservation;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.api.spi.Reason;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.RoutingTable;
import org.edgefm.api.spi.ServiceAllocation;
import org.edgefm.api.spi.SlotObservation;
import org.edgefm.api.spi.UserAllocation;
import org.edgefm.api.spi.UserObservation;
import org.edgefm.api.spi.WeightedTarget;

/**
 * Seed paper 3 (LyMDO) as a light-service controller. Each user is a UE whose stream (its task
 * type with the highest declared rate, a chain of DNN blocks) is cut between the device the user is
 * attached to and the edge server. Every slot the controller charges the energy of the last slot
 * to the virtual queues, forecasts the arrival rates, reads the channels, lets its
 * {@link PartitionSelector} choose the cut points with the convex allocation (drift-plus-penalty,
 * {@link LymdoEngine}) and expresses the result through the SPI:
 * <ul>
 * <li>routes per origin device: the first {@code l} stages at the device, the rest at the edge;</li>
 * <li>a {@link UserAllocation} per UE: bandwidth share {@code β}, local frequency share {@code φ},
 *     transmit power share {@code ψ}, edge compute share {@code η};</li>
 * <li>one instance of every front-part service on each device and of every back-part service at
 *     the edge, the latter with the share of the edge's compute that the UEs' {@code η} give it.</li>
 * </ul>
 * State kept between slots: the virtual queues, the rate forecasts, the decision in force and the
 * selector's own state (the actor and its replay memory).
 */
public final class LymdoController implements LightServiceController {
    private final LymdoSettings settings;
    private final LymdoEngine engine;
    private final Map<String, Double> forecast = new HashMap<>();
    private final Map<String, PartitionProfile> profiles = new HashMap<>();
    private SlotProblem lastProblem;
    private Allocation lastAllocation;

    /** A controller choosing cuts with {@code selector}. */
    public LymdoController(LymdoSettings settings, PartitionSelector selector) {
        this.settings = settings;
        this.engine = new LymdoEngine(selector);
    }

    /** The virtual queues (for tests and reports). */
    public EnergyQueues queues() {
        return engine.queues();
    }

    /** The problem of the last slot decided, or null; for evaluations. */
    SlotProblem lastProblem() {
        return lastProblem;
    }

    /** The allocation chosen in the last slot, or null; for evaluations. */
    Allocation lastAllocation() {
        return lastAllocation;
    }

    @Override
    public PlanResult<LightDecision> decide(SlotObservation obs) {
        List<Reason> notes = new ArrayList<>();
        SystemModel model = obs.model();
        Optional<NodeSpec> edgeSpec = settings.edgeNode().isEmpty()
                ? model.topology().nodes().stream().filter(n -> n.kind() == NodeKind.EDGE_SERVER).findFirst()
                : model.topology().node(settings.edgeNode());
        if (edgeSpec.isEmpty()) {
            return PlanResult.infeasible(List.of(new Reason("no-edge-server", settings.edgeNode().isEmpty()
                    ? "the topology has no edge-server node" : "lymdo.edge-node '" + settings.edgeNode() + "' is not a node")), null);
        }
        NodeSpec edge = edgeSpec.get();
        NodeObservation edgeObs = obs.node(edge.id());
        boolean edgeOnline = edgeObs == null || edgeObs.online();

        // UEs: one stream per user (its highest-rate task type that is a chain).
        List<UserSpec> users = new ArrayList<>();
        List<TaskType> types = new ArrayList<>();
        Map<String, Double> declared = new LinkedHashMap<>();
        for (UserSpec u : model.users()) {
            Demand main = null;
            for (Demand d : model.workload()) {
                if (d.user().equals(u.id()) && (main == null || d.arrivals().meanRatePerMs() > main.arrivals().meanRatePerMs())) {
                    main = d;
                }
            }
            if (main == null) {
                continue;
            }
            TaskType t = taskType(model, main.taskType());
            try {
                profiles.computeIfAbsent(u.id() + "|" + t.id(), k -> PartitionProfile.of(model, t,
                        model.topology().node(u.node()).map(NodeSpec::speedFactor).orElse(1.0), edge.speedFactor()));
            } catch (IllegalArgumentException e) {
                notes.add(new Reason("not-partitionable", e.getMessage() + "; its stages run at " + edge.id()));
                continue;
            }
            users.add(u);
            types.add(t);
            declared.put(u.id(), main.arrivals().meanRatePerMs());
        }
        if (users.isEmpty()) {
            notes.add(new Reason("no-streams", "no user has a chain-shaped task type to partition"));
            return PlanResult.planned(new LightDecision(obs.slot(), List.of(), defaultRoutes(model, edge.id()), List.of(), notes), notes);
        }

        // Observed arrivals of the last slot.
        Map<String, Double> observed = new HashMap<>();
        for (DemandEstimate d : obs.arrivals()) {
            observed.merge(d.user() + "|" + d.taskType(), d.ratePerMs(), Double::sum);
        }
        boolean staleArrivals = obs.arrivals().isEmpty() && obs.slot() > 0 && !model.workload().isEmpty();
        if (staleArrivals) {
            notes.add(new Reason("stale-arrivals", "no arrival counts in this observation; keeping the previous forecast"));
        }

        // 1. Charge the slot that just ended to the virtual queues: the measured energies where every UE
        //    reports one (lymdo.queue-charge = observed), else the model's energy of the decision in
        //    force under the arrivals actually counted.
        if (lastProblem != null && lastAllocation != null && !staleArrivals && sameUes(lastProblem, users)) {
            List<SlotProblem.Ue> actual = new ArrayList<>();
            for (int i = 0; i < users.size(); i++) {
                SlotProblem.Ue u = lastProblem.ues().get(i);
                actual.add(u.withLoad(observed.getOrDefault(users.get(i).id() + "|" + types.get(i).id(), 0.0), u.snr()));
            }
            double[] measured = settings.chargeObserved() ? measuredEnergy(obs, users) : null;
            if (measured != null) {
                engine.accountMeasured(lastProblem.withUes(actual), lastAllocation, measured);
            } else {
                engine.account(lastProblem.withUes(actual), lastAllocation);
            }
        }

        // 2. Forecast and channel for the coming slot.
        double pool = settings.poolMbPerMs() > 0 ? settings.poolMbPerMs()
                : users.stream().mapToDouble(UserSpec::uplinkBandwidthMbPerMs).sum();
        List<SlotProblem.Ue> ues = new ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            UserSpec u = users.get(i);
            TaskType t = types.get(i);
            String key = u.id() + "|" + t.id();
            double prev = forecast.getOrDefault(u.id(), declared.get(u.id()));
            double rate = staleArrivals ? prev
                    : (1 - settings.rateSmoothing()) * prev + settings.rateSmoothing() * observed.getOrDefault(key, 0.0);
            if (obs.slot() == 0 && obs.arrivals().isEmpty()) {
                rate = declared.get(u.id());
            }
            forecast.put(u.id(), rate);
            double snr = snr(obs, u, notes);
            double budgetW = settings.energyBudgetW() > 0 ? settings.energyBudgetW()
                    : model.topology().node(u.node()).map(n -> n.capacity().get(Resource.POWER)).orElse(0.0);
            ues.add(new SlotProblem.Ue(u.id(), rate, snr, 0, profiles.get(key), settings.localPowerW(), settings.txPowerW(),
                    budgetW * obs.slotMs() / 1000.0));
        }
        SlotProblem problem = new SlotProblem(ues, settings.v(), obs.slotMs(), pool);
        if (engine.selector() instanceof FixedPartition f && f.fixedCuts() == null) {
            // Neurosurgeon-style: the best split for the declared average load and mean channel, fixed once.
            List<SlotProblem.Ue> avg = new ArrayList<>();
            for (int i = 0; i < ues.size(); i++) {
                avg.add(ues.get(i).withLoad(declared.get(users.get(i).id()), users.get(i).channel().meanSnr()));
            }
            f.calibrate(problem.withUes(avg), engine.allocator());
        }

        // 3. Decide (drift-plus-penalty): cut points by the selector, resources in closed form.
        Allocation a;
        if (edgeOnline) {
            a = engine.decide(problem);
        } else {
            notes.add(new Reason("edge-offline", "edge server " + edge.id() + " is offline; every stream runs locally"));
            int[] local = ues.stream().mapToInt(u -> u.profile().cuts()).toArray();
            List<SlotProblem.Ue> withZ = ues.stream().map(u -> u.withQueue(engine.queues().get(u.id()))).toList();
            a = engine.allocator().allocate(problem.withUes(withZ), local);
        }
        lastProblem = problem;
        lastAllocation = a;

        notes.add(new Reason("lymdo-slot", String.format(Locale.ROOT,
                "cuts %s, predicted mean delay %.2f ms, energy %s J (budget %.4f J per UE), virtual queues %s",
                java.util.Arrays.toString(a.cuts()), a.meanDelayMs(problem), fmt(a.energyJ()),
                ues.get(0).energyBudgetJ(), fmt(ues.stream().mapToDouble(u -> engine.queues().get(u.id())).toArray()))));
        LightDecision decision = express(obs, model, edge.id(), users, types, a, notes);
        if (!a.feasible()) {
            return PlanResult.infeasible(List.of(new Reason("overloaded", a.infeasibility())), decision);
        }
        return PlanResult.planned(decision, notes);
    }

    private LightDecision express(SlotObservation obs, SystemModel model, String edgeId, List<UserSpec> users,
            List<TaskType> types, Allocation a, List<Reason> notes) {
        List<Route> routes = new ArrayList<>(defaultRoutes(model, edgeId).routes());
        Map<String, Integer> cutAtOrigin = new HashMap<>();
        Map<String, Set<String>> servicesAt = new LinkedHashMap<>();
        Map<String, Double> edgeShare = new LinkedHashMap<>();
        List<UserAllocation> userAllocs = new ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            UserSpec u = users.get(i);
            TaskType t = types.get(i);
            int cut = a.cuts()[i];
            String originKey = u.node() + "|" + t.id();
            Integer taken = cutAtOrigin.putIfAbsent(originKey, cut);
            if (taken != null && taken != cut) {
                notes.add(new Reason("shared-origin", "users on device " + u.node() + " share per-origin routes; user "
                        + u.id() + " follows cut " + taken + " instead of " + cut));
            }
            PartitionProfile prof = a.cuts().length > i ? profileOf(u, t) : null;
            List<String> order = prof == null ? List.of() : prof.stages();
            double edgeWork = prof == null ? 0 : prof.edge(cut);
            for (int k = 0; k < order.size(); k++) {
                String stage = order.get(k);
                String service = t.stage(stage).service();
                boolean local = k < (taken == null ? cut : taken);
                String node = local ? u.node() : edgeId;
                if (taken == null) {
                    routes.add(new Route(t.id(), stage, u.node(), List.of(new WeightedTarget(node, 1.0))));
                }
                servicesAt.computeIfAbsent(node, x -> new LinkedHashSet<>()).add(service);
                if (!local && edgeWork > 0) {
                    double stageMs = model.service(service).meanProcessingMs(model.topology().node(edgeId)
                            .map(NodeSpec::speedFactor).orElse(1.0));
                    edgeShare.merge(service, a.edgeShare()[i] * stageMs / edgeWork, Double::sum);
                }
            }
            userAllocs.add(new UserAllocation(u.id(), clip(a.bandwidth()[i]), clip(a.localShare()[i]), clip(a.txShare()[i]),
                    clip(a.edgeShare()[i])));
        }
        List<ServiceAllocation> allocs = new ArrayList<>();
        servicesAt.forEach((node, services) -> {
            for (String s : services) {
                Double share = node.equals(edgeId) ? edgeShare.get(s) : null;
                if (share != null && !(share > 0)) {
                    share = null;
                }
                allocs.add(new ServiceAllocation(node, s, 1, 1, share == null ? null : Math.min(1.0, share)));
            }
        });
        return new LightDecision(obs.slot(), allocs, new RoutingTable(routes), userAllocs, notes);
    }

    private PartitionProfile profileOf(UserSpec u, TaskType t) {
        return profiles.get(u.id() + "|" + t.id());
    }

    /** Routes without origin: every stage at the edge (tasks from devices without a stream of their own). */
    private static RoutingTable defaultRoutes(SystemModel model, String edgeId) {
        List<Route> routes = new ArrayList<>();
        for (TaskType t : model.taskTypes()) {
            for (var s : t.stages()) {
                routes.add(new Route(t.id(), s.id(), null, List.of(new WeightedTarget(edgeId, 1.0))));
            }
        }
        return new RoutingTable(routes);
    }

    private static double snr(SlotObservation obs, UserSpec u, List<Reason> notes) {
        for (UserObservation o : obs.users()) {
            if (o.user().equals(u.id())) {
                return o.snr();
            }
        }
        notes.add(new Reason("stale-channel", "no channel measurement for user " + u.id() + "; using its mean SNR"));
        return u.channel().meanSnr();
    }

    /** Each UE's measured energy of the last slot, or null unless every UE reports a finite one. */
    private static double[] measuredEnergy(SlotObservation obs, List<UserSpec> users) {
        Map<String, Double> byUser = new HashMap<>();
        for (UserObservation o : obs.users()) {
            if (o.energyJ() != null) {
                byUser.put(o.user(), o.energyJ());
            }
        }
        double[] out = new double[users.size()];
        for (int i = 0; i < users.size(); i++) {
            Double e = byUser.get(users.get(i).id());
            if (e == null || !Double.isFinite(e)) {
                return null;
            }
            out[i] = e;
        }
        return out;
    }

    private static boolean sameUes(SlotProblem p, List<UserSpec> users) {
        if (p.size() != users.size()) {
            return false;
        }
        for (int i = 0; i < users.size(); i++) {
            if (!p.ues().get(i).id().equals(users.get(i).id())) {
                return false;
            }
        }
        return true;
    }

    private static TaskType taskType(SystemModel m, String id) {
        for (TaskType t : m.taskTypes()) {
            if (t.id().equals(id)) {
                return t;
            }
        }
        throw new IllegalStateException("task type '" + id + "' validated by SystemModel");
    }

    private static Double clip(double x) {
        return Double.isFinite(x) ? Math.max(0, Math.min(1, x)) : null;
    }

    private static String fmt(double[] xs) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < xs.length; i++) {
            b.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", xs[i]));
        }
        return b.append(']').toString();
    }
}
