package org.edgefm.planner.twotier;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.edgefm.api.model.NodeKind;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.LightServiceController;
import org.edgefm.api.spi.NodeObservation;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.api.spi.Reason;
import org.edgefm.api.spi.RoutingTable;
import org.edgefm.api.spi.ServiceAllocation;
import org.edgefm.api.spi.ServiceObservation;
import org.edgefm.api.spi.SlotObservation;
import org.edgefm.planner.latency.MeanValueRouting;
import org.edgefm.planner.latency.NetworkPaths;

/**
 * The per-slot light-service pipeline that {@code ec-lyapunov} ({@link EcLyapunovController}) and each
 * light baseline (its own class in {@code org.edgefm.planner.baseline}) compose with their own
 * {@link Sizer}, {@link CandidateOrder} and {@link Guards}:
 * attributes each stream's demand to candidate nodes per stage, sizes every (node, service) pair
 * with a {@link Sizer}, resolves each node's residual capacity greedily (largest objective gain per
 * unit of bottleneck resource first), re-routes what a node could not take to the next candidate,
 * and emits allocations plus routes for every stage of every task type (core stages included).
 * Steps with a class of their own: the demand per stream ({@link StreamDemand}), the analyses and
 * candidates ({@link StreamAnalyses}), the node resolution ({@link NodeResolution}), the service floor
 * ({@link EngineFloor}, {@link ServiceFloor}), the routes ({@link EngineRoutes}) and admission
 * ({@link EngineAdmission}, {@link Admission}, {@link DeadlineAdmission}).
 *
 * <p>Per slot it costs {@code O(P·x_max·y_max + P log P)} for {@code P} (node, service) pairs with
 * demand, times {@code 1 + spill-rounds}. The mean-value routing analyses are kept while the model and
 * the core placement stay; when only the set of usable nodes changes, the network delays are repaired
 * where the change touches them ({@link NetworkPaths#withExcluded}) and a stream is analysed again only
 * when its candidates or a delay its analysis read changed, so the decision is the one a fresh analysis
 * gives.
 */
public final class LightEngine implements LightServiceController {
    /**
     * The engine's optional guards; each controller names the ones it takes, so a baseline carries
     * only what its class says.
     *
     * @param admission         {@code light.admission = reject}: reject the share of a stream's tasks
     *                          that its pairs cannot take ({@link Admission})
     * @param idleBacklogPairs  a pair with reported backlog but no demand attributed this slot is still
     *                          sized (with {@code λ = 0}), so its waiting tasks are not stranded
     * @param releaseHysteresis instances the sizer wanted in the last {@link Sizer#releaseAfterSlots}
     *                          slots are kept while the node has room (ski rental on release)
     */
    public record Guards(boolean admission, boolean idleBacklogPairs, boolean releaseHysteresis) {
    }

    private final LightSettings s;
    private final Sizer sizer;
    private final CandidateOrder order;
    private final Guards guards;
    private final StreamDemand demand;
    private final StreamAnalyses analyses;
    private final EngineRoutes routes;
    private final Map<String, Integer> previousX = new HashMap<>();
    private final ReleaseHysteresis hysteresis = new ReleaseHysteresis();
    private Map<String, ServiceObservation> observed = Map.of();
    /** The nodes unusable in the latest slot, for {@link #prepare} on another thread. */
    private volatile Set<String> lastUnusable = Set.of();
    /** The model {@link #shortestDeadline} was taken from. */
    private SystemModel deadlineModel;
    /** Per service, the shortest deadline among the task types that use it. */
    private final Map<String, Double> shortestDeadline = new HashMap<>();

    /**
     * @param settings the settings
     * @param sizer    how pairs are sized
     * @param order    which nodes may run light stages and how a stage's candidates are ordered
     * @param guards   the optional guards this controller takes
     */
    public LightEngine(LightSettings settings, Sizer sizer, CandidateOrder order, Guards guards) {
        this.s = settings;
        this.sizer = sizer;
        this.guards = guards;
        this.demand = new StreamDemand(settings);
        this.analyses = new StreamAnalyses(settings, order);
        this.routes = new EngineRoutes(settings, analyses);
        this.order = order;
    }

    /** The sizer (tests read its virtual queues). */
    public Sizer sizer() {
        return sizer;
    }

    /** The number of stream analyses {@link #prepare} ran so far (tests). */
    long preparedAnalyses() {
        return analyses.preparedAnalyses();
    }

    /**
     * Analyses the declared streams for a core placement before it comes into force (on the caller's
     * thread, while {@link #decide} may run on another): the first slot on it then takes these analyses
     * instead of running them ({@link StreamAnalyses#prepare}); its decision is the one it would have been.
     */
    @Override
    public void prepare(SystemModel model, CorePlacement placement) {
        analyses.prepare(model, placement, lastUnusable, StreamDemand.declared(model).keySet());
    }

    /** A stream: origin node and task type. */
    record StreamKey(String origin, String type) {
    }

    /** Tests only: every change of the usable nodes analyses every stream from scratch (the reference). */
    void analyseFromScratch() {
        analyses.analyseFromScratch();
    }

    /** The number of stream analyses run so far (tests read it to see analyses kept across a change). */
    long analyses() {
        return analyses.analyses();
    }

    /** A (node, light service) pair of one call: demand, ladder, instances (package-private for the resolution steps). */
    static final class Pair {
        final int node;
        final ServiceSpec service;
        double lambda;
        double budget = Double.POSITIVE_INFINITY;
        final List<Contribution> owners = new ArrayList<>();
        Sizer.Ladder ladder;
        int x;
        /** Instances kept from recent slots: the floor of x while resources allow. */
        int hold;
        /** What the greedy resolution chose before the floor was applied. */
        int wanted;
        /** Instances given before the greedy resolution ({@code light.service-floor}). */
        int floor;

        final long key;

        Pair(int node, ServiceSpec service, long key) {
            this.node = node;
            this.service = service;
            this.key = key;
        }

        /**
         * The key of a (node index, service index) pair in the maps of one call. The node is in the low bits: a
         * hash map spreads only the low bits of a {@code Long}'s hash, and with the node in the high bits the
         * pairs of a 1,000-node fleet fell into a few tree bins.
         */
        static long key(int node, int service) {
            return ((long) service << 32) | node;
        }
    }

    /** A stream's share of one stage at its rank-th candidate, with what the steps read of the stream and stage. */
    static final class Contribution {
        final StreamKey stream;
        final TaskType type;
        final Stage stage;
        final ServiceSpec service;
        /** The stage's ordered candidates for this stream: {node indices, positions in the analysis}. */
        final int[][] cands;
        final MeanValueRouting routing;
        final int rank;
        double share;
        /**
         * The delay budget of the stage at this candidate: {@code D_n − d^pr − (best mean time from here to the
         * sink)}, or NaN past the last candidate; computed once, not in every allocation round.
         */
        final double stageBudget;

        Contribution(StreamKey stream, TaskType type, Stage stage, ServiceSpec service, int[][] cands, MeanValueRouting routing,
                int rank, double share) {
            this.stream = stream;
            this.type = type;
            this.stage = stage;
            this.service = service;
            this.cands = cands;
            this.routing = routing;
            this.rank = rank;
            this.share = share;
            if (rank < cands[0].length) {
                int j = cands[1][rank];
                // assumption: the budget left for this stage is D_n − d^pr − (best mean time from here to the
                // sink), the worst over the streams the pair serves
                this.stageBudget = type.deadlineMs() - routing.preceding(stage.id(), j) - routing.toSink(stage.id(), j);
            } else {
                this.stageBudget = Double.NaN;
            }
        }

        /** The same stream and stage at another candidate. */
        Contribution at(int otherRank, double otherShare) {
            return new Contribution(stream, type, stage, service, cands, routing, otherRank, otherShare);
        }
    }

    /** Identifies a contribution when merging: the stage's candidates array (one per stream and stage) and the rank. */
    private record ContributionKey(int[][] cands, int rank) {
    }

    @Override
    public PlanResult<LightDecision> decide(SlotObservation obs) {
        List<Reason> notes = new ArrayList<>();
        SystemModel model = obs.model();
        Map<String, NodeSpec> nodes = model.topology().nodesById();

        // 1. usable nodes: online (the host's own staleness verdict), and with telemetry younger than
        // ec-lyapunov.stale-after-ms when that is set. No tighter default: in the field an agent's
        // telemetry period (1 s by default) can exceed the slot, and a loaded machine delays it by
        // seconds; taking a live node out for that would take its instances and routes with it.
        double staleAfter = s.staleAfterMs() > 0 ? s.staleAfterMs() : Double.POSITIVE_INFINITY;
        Set<String> unusable = new HashSet<>();
        Map<String, ResourceVector> residual = new HashMap<>();
        List<String> missing = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        Map<String, NodeObservation> nodeObs = new HashMap<>();
        obs.nodes().forEach(n -> nodeObs.put(n.node(), n));
        observed = new HashMap<>();
        for (ServiceObservation so : obs.services()) {
            observed.put(so.node() + "|" + so.service(), so);
            sizer.observeRates(so.node(), so.service(), so.rateSamplesMbPerMs(), so.parallelism());
        }
        for (NodeSpec n : model.topology().nodes()) {
            NodeObservation o = nodeObs.get(n.id());
            if (o == null) {
                missing.add(n.id());
                unusable.add(n.id());
            } else if (!o.online()) {
                unusable.add(n.id());
            } else if (o.telemetryAgeMs() != null && o.telemetryAgeMs() > staleAfter) {
                stale.add(n.id() + " (" + Math.round(o.telemetryAgeMs()) + " ms)");
                unusable.add(n.id());
            } else {
                residual.put(n.id(), o.residual());
            }
        }
        if (!missing.isEmpty()) {
            notes.add(new Reason("missing-node-metrics", "no observation for " + String.join(", ", missing)
                    + "; treated as unavailable"));
        }
        if (!stale.isEmpty()) {
            notes.add(new Reason("stale-metrics", "telemetry older than " + Math.round(staleAfter) + " ms from "
                    + String.join(", ", stale) + "; treated as unavailable"));
        }
        if (residual.isEmpty()) {
            notes.add(new Reason("no-usable-node", "no node is online with fresh telemetry; nothing can be allocated"));
            return PlanResult.infeasible(notes, new LightDecision(obs.slot(), List.of(), RoutingTable.EMPTY, List.of(), List.of()));
        }
        if (order.cloudOnly() && residual.keySet().stream().noneMatch(id -> nodes.get(id).kind() == NodeKind.CLOUD)) {
            notes.add(new Reason("no-cloud-node", "the scenario has no usable node of kind cloud"));
            return PlanResult.infeasible(notes, new LightDecision(obs.slot(), List.of(), RoutingTable.EMPTY, List.of(), List.of()));
        }
        lastUnusable = Set.copyOf(unusable);
        analyses.update(model, obs.corePlacement(), unusable);
        NetworkPaths paths = analyses.paths();
        Map<String, TaskType> types = analyses.types();

        // 2. demand per stream (origin device, task type)
        Map<StreamKey, Double> rates = demand.rates(obs, model, notes);

        // 3. candidates per (stream, stage)
        Map<StreamKey, Map<String, int[][]>> cands = new LinkedHashMap<>();
        for (StreamKey k : rates.keySet()) {
            MeanValueRouting r = analyses.routing(k);
            if (r == null) {
                continue;
            }
            Map<String, int[][]> perStage = new LinkedHashMap<>();
            for (Stage st : types.get(k.type()).stages()) {
                perStage.put(st.id(), analyses.rank(r, st, k, residual));
            }
            cands.put(k, perStage);
        }

        // 4. attribution, sizing, node resolution, spill
        Map<String, ServiceSpec> services = model.servicesById();
        List<Contribution> contributions = new ArrayList<>();
        for (Map.Entry<StreamKey, Map<String, int[][]>> e : cands.entrySet()) {
            StreamKey k = e.getKey();
            TaskType t = types.get(k.type());
            for (Stage st : t.stages()) {
                ServiceSpec svc = services.get(st.service());
                int[][] cs = e.getValue().get(st.id());
                if (svc.kind() == ServiceKind.LIGHT && cs[0].length > 0) {
                    contributions.add(new Contribution(k, t, st, svc, cs, analyses.routing(k), 0, 1.0));
                }
            }
        }
        // with admission control the pairs' queues receive the admitted tasks: size for those (light.admission-sizing)
        EngineAdmission admission = new EngineAdmission(s, types, analyses.services(), obs.corePlacement(), nodes, unusable);
        Map<StreamKey, Double> sizing = guards.admission() && s.sizeForAdmitted()
                ? admission.coreAdmitted(rates, StreamKey::type) : rates;
        Map<Long, Pair> pairs = allocate(obs, model, services, cands, sizing, contributions, residual, paths, null, null);
        for (int round = 0; round < s.spillRounds(); round++) {
            Set<Integer> dirty = new HashSet<>();
            List<Contribution> moved = spill(pairs, dirty);
            if (moved.isEmpty()) {
                break;
            }
            contributions = merge(contributions, moved);
            // only the nodes that lost or gained demand are sized and resolved again
            pairs = allocate(obs, model, services, cands, sizing, contributions, residual, paths, pairs, dirty);
        }
        if (s.serviceFloor()) {
            new EngineFloor(sizer, observed, previousX, obs.slotMs(), types, analyses::routing)
                    .reserve(model, services, cands, sizing, residual, paths, pairs, notes);
        }

        // 5. virtual queues, allocations, notes
        List<ServiceAllocation> allocations = new ArrayList<>();
        Map<String, Double> unserved = new TreeMap<>();
        Set<String> atRisk = new java.util.TreeSet<>();
        Set<String> decided = new HashSet<>();
        for (Pair p : pairs.values()) {
            String node = paths.node(p.node).id();
            double capacity = p.x > 0 ? p.ladder.capacity()[p.x] : 0;
            ServiceObservation so = observed.get(node + "|" + p.service.id());
            double arrivals = so != null ? so.arrivals() : p.lambda * obs.slotMs();
            sizer.commit(node, p.service.id(), arrivals, capacity, obs.slotMs());
            decided.add(node + "|" + p.service.id());
            if (guards.releaseHysteresis()) {
                hysteresis.remember(node + "|" + p.service.id(), p.wanted, sizer.releaseAfterSlots(p.service));
            }
            if (p.x > 0) {
                allocations.add(new ServiceAllocation(node, p.service.id(), p.x, p.ladder.y()[p.x]));
                previousX.put(node + "|" + p.service.id(), p.x);
                if (p.ladder.atRisk()[p.x]) {
                    atRisk.add(p.service.id() + "@" + node);
                }
            } else {
                previousX.remove(node + "|" + p.service.id());
            }
            if (p.lambda - capacity > 1e-9) {
                unserved.merge(p.service.id(), p.lambda - capacity, Double::sum);
            }
        }
        previousX.keySet().removeIf(k -> !decided.contains(k));
        hysteresis.retain(decided);
        allocations.sort(java.util.Comparator.comparing(ServiceAllocation::node).thenComparing(ServiceAllocation::service));
        if (!unserved.isEmpty()) {
            StringBuilder b = new StringBuilder();
            unserved.forEach((m, r) -> b.append(b.length() == 0 ? "" : ", ").append(m)
                    .append(" ").append(Math.round(r * 1e4) / 1e4).append(" tasks/ms"));
            notes.add(new Reason("unserved-demand", "capacity short of the expected demand: " + b));
        }
        if (!atRisk.isEmpty()) {
            notes.add(new Reason("deadline-at-risk", "no parallelism passes the statistical deadline check for "
                    + String.join(", ", atRisk) + "; sized on the mean"));
        }

        // 6. routing for every stage of every task type
        RoutingTable routing = routes.routes(model, cands, contributions, obs.corePlacement(), allocations, paths, unusable, notes);
        if (guards.admission()) {
            Map<String, Double> lightCapacity = new HashMap<>();
            for (Pair p : pairs.values()) {
                if (p.x > 0) {
                    lightCapacity.merge(paths.node(p.node).id() + "|" + p.service.id(),
                            p.ladder.admissible(p.x, s.admissionLightUtilization()), Double::sum);
                }
            }
            List<Admission.Stream> streams = new ArrayList<>();
            rates.forEach((k, r) -> {
                MeanValueRouting mv = analyses.analysed(k);
                streams.add(new Admission.Stream(k.origin(), types.get(k.type()), r, mv == null ? Double.NaN : mv.bestEndToEnd()));
            });
            routing = admission.admit(routing, streams, lightCapacity, notes);
        }
        return PlanResult.planned(new LightDecision(obs.slot(), allocations, routing, List.of(), List.of()), notes);
    }


    private Map<Long, Pair> allocate(SlotObservation obs, SystemModel model, Map<String, ServiceSpec> services,
            Map<StreamKey, Map<String, int[][]>> cands, Map<StreamKey, Double> rates, List<Contribution> contributions,
            Map<String, ResourceVector> residual, NetworkPaths paths, Map<Long, Pair> previous, Set<Integer> dirty) {
        Map<Long, Pair> pairs = new LinkedHashMap<>();
        Map<String, Integer> serviceIndex = new HashMap<>();
        for (ServiceSpec sv : model.services()) {
            serviceIndex.put(sv.id(), serviceIndex.size());
        }
        // the contributions' streams are the rate map's own keys: identity look-ups spare the record's hash,
        // which collides often for the fleet's node ids (tree bins)
        Map<StreamKey, Double> rate = new java.util.IdentityHashMap<>(rates);
        for (Contribution c : contributions) {
            int[][] cs = c.cands;
            if (c.rank >= cs[0].length || c.share <= 0) {
                continue;
            }
            int v = cs[0][c.rank];
            ServiceSpec svc = c.service;
            long key = Pair.key(v, serviceIndex.get(svc.id()));
            Pair p = pairs.computeIfAbsent(key, k -> new Pair(v, svc, k));
            p.lambda += rate.get(c.stream) * c.share;
            p.owners.add(c);
            p.budget = Math.min(p.budget, c.stageBudget); // the worst over the streams the pair serves
        }
        if (guards.idleBacklogPairs()) {
            drainPairs(model, services, serviceIndex, residual, paths, pairs);
        }
        // size each pair, then resolve each node's residual capacity greedily
        Map<Integer, List<Pair>> byNode = new HashMap<>();
        Set<Integer> redo = dirty == null ? null : new HashSet<>(dirty);
        if (redo != null) {
            for (Pair p : pairs.values()) {
                if (!previous.containsKey(p.key)) {
                    redo.add(p.node);
                }
            }
        }
        for (Pair p : pairs.values()) {
            if (redo != null && !redo.contains(p.node)) {
                Pair old = previous.get(p.key);
                p.ladder = old.ladder;
                p.x = old.x;
                p.hold = old.hold;
                p.wanted = old.wanted;
                continue;
            }
            String node = paths.node(p.node).id();
            String pair = node + "|" + p.service.id();
            ServiceObservation so = observed.get(pair);
            if (so != null) {
                sizer.observeBacklog(node, p.service.id(), so.queueLength());
            }
            ResourceVector res = residual.get(node);
            int maxX = res == null ? 0 : Math.min(s.maxInstances(), p.service.demand().copiesFittingIn(res));
            double[] samples = so == null ? new double[0] : so.rateSamplesMbPerMs();
            int sy = so == null ? 1 : Math.max(1, so.parallelism());
            p.hold = guards.releaseHysteresis() ? Math.min(maxX, hysteresis.held(pair)) : 0;
            p.ladder = sizer.ladder(new Sizer.Input(paths.node(p.node), p.service, p.lambda, p.budget,
                    previousX.getOrDefault(pair, 0), sizer.queue(node, p.service.id()), obs.slotMs(),
                    samples, sy, maxX, p.hold));
            byNode.computeIfAbsent(p.node, k -> new ArrayList<>()).add(p);
        }
        for (Map.Entry<Integer, List<Pair>> e : byNode.entrySet()) {
            NodeResolution.resolveNode(residual.get(paths.node(e.getKey()).id()), e.getValue());
        }
        return pairs;
    }

    /**
     * A light pair with tasks waiting but no demand attributed this slot (the routes moved away) still
     * gets sized, with {@code λ = 0}: its virtual queue holds the backlog, so the sizer keeps instances
     * until the queue drains. Without this, releasing the pair's last instance would strand the waiting
     * tasks until demand came back. The delay budget is the shortest deadline among the task types that
     * use the service.
     */
    private void drainPairs(SystemModel model, Map<String, ServiceSpec> services, Map<String, Integer> serviceIndex,
            Map<String, ResourceVector> residual, NetworkPaths paths, Map<Long, Pair> pairs) {
        for (ServiceObservation so : observed.values()) {
            ServiceSpec svc = services.get(so.service());
            if (so.queueLength() <= 0 || svc == null || svc.kind() != ServiceKind.LIGHT || !residual.containsKey(so.node())) {
                continue;
            }
            int v = paths.indexOf(so.node());
            if (v < 0 || paths.isExcluded(v)) {
                continue;
            }
            long key = Pair.key(v, serviceIndex.get(svc.id()));
            if (pairs.containsKey(key)) {
                continue;
            }
            double budget = shortestDeadline(model, svc.id());
            if (budget == Double.POSITIVE_INFINITY) {
                continue;
            }
            Pair p = new Pair(v, svc, key);
            p.budget = budget;
            pairs.put(key, p);
        }
    }


    /** The shortest deadline among the task types that use the service, or infinity when none does. */
    private double shortestDeadline(SystemModel model, String service) {
        if (deadlineModel != model) {
            shortestDeadline.clear();
            for (TaskType t : model.taskTypes()) {
                for (Stage st : t.stages()) {
                    shortestDeadline.merge(st.service(), t.deadlineMs(), Math::min);
                }
            }
            deadlineModel = model;
        }
        return shortestDeadline.getOrDefault(service, Double.POSITIVE_INFINITY);
    }

    /** Moves the share a pair could not serve to each owner's next candidate. */
    private static List<Contribution> spill(Map<Long, Pair> pairs, Set<Integer> dirty) {
        List<Contribution> moved = new ArrayList<>();
        for (Pair p : pairs.values()) {
            double cap = p.x > 0 ? p.ladder.capacity()[p.x] : 0;
            if (p.lambda <= 0 || cap >= p.lambda - 1e-12) {
                continue;
            }
            double fraction = 1 - cap / p.lambda;
            for (Contribution c : p.owners) {
                int[] next = c.cands[0];
                if (c.rank + 1 < next.length) {
                    dirty.add(p.node);
                    dirty.add(next[c.rank + 1]);
                    double m = c.share * fraction;
                    c.share -= m;
                    moved.add(c.at(c.rank + 1, m));
                }
            }
        }
        return moved;
    }

    private static List<Contribution> merge(List<Contribution> a, List<Contribution> moved) {
        Map<ContributionKey, Contribution> m = new LinkedHashMap<>();
        for (Contribution c : a) {
            m.put(new ContributionKey(c.cands, c.rank), c);
        }
        for (Contribution c : moved) {
            ContributionKey key = new ContributionKey(c.cands, c.rank);
            Contribution old = m.get(key);
            if (old == null) {
                m.put(key, c);
            } else {
                old.share += c.share;
            }
        }
        return new ArrayList<>(m.values());
    }

}
