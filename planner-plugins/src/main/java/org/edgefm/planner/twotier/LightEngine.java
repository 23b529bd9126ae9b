package org.edgefm.planner.twotier;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.edgefm.api.model.Demand;
import org.edgefm.api.model.NodeKind;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.model.UserSpec;
import org.edgefm.api.spi.CorePlacement;
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
import org.edgefm.planner.latency.LatencyModel;
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
 * Steps with a class of their own: the node resolution ({@link NodeResolution}), the service floor
 * ({@link EngineFloor}, {@link ServiceFloor}) and admission ({@link EngineAdmission}, {@link Admission},
 * {@link DeadlineAdmission}).
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

    /** A smoothed rate below this (about one task a day) of an undeclared stream is dropped. */
    private static final double FORGET_BELOW_PER_MS = 1e-8;

    private final LightSettings s;
    private final Sizer sizer;
    private final CandidateOrder order;
    private final Guards guards;
    private Cache cache;
    /** Tests only: analyse every stream again after each change of the usable nodes. */
    private boolean fromScratch;
    /** Streams analysed so far (tests read it to see analyses kept across a change). */
    private long analyses;
    private final Map<String, Integer> previousX = new HashMap<>();
    /** Per pair, the instance counts the sizer wanted in the most recent slots, newest first (release hysteresis). */
    private final Map<String, java.util.ArrayDeque<Integer>> wantedX = new HashMap<>();
    /** Smoothed arrival rate per stream, tasks per ms (see {@link #streamRates}). */
    private final Map<StreamKey, Double> smoothed = new LinkedHashMap<>();
    private Map<String, ServiceObservation> observed = Map.of();

    /**
     * @param settings the settings
     * @param sizer    how pairs are sized
     * @param order    which nodes may run light stages and how a stage's candidates are ordered
     * @param guards   the optional guards this controller takes
     */
    public LightEngine(LightSettings settings, Sizer sizer, CandidateOrder order, Guards guards) {
        this.s = settings;
        this.sizer = sizer;
        this.order = order;
        this.guards = guards;
    }

    /** The sizer (tests read its virtual queues). */
    public Sizer sizer() {
        return sizer;
    }

    /** A stream: origin node and task type. */
    record StreamKey(String origin, String type) {
    }

    private record LightKey(int origin, String service, double leafMb) {
    }

    /** Tests only: every change of the usable nodes analyses every stream from scratch (the reference). */
    void analyseFromScratch() {
        fromScratch = true;
    }

    /** The number of stream analyses run so far. */
    long analyses() {
        return analyses;
    }

    /** Per (core placement, usable nodes): the mean-value analyses and candidates. */
    private static final class Cache {
        final SystemModel model;
        final CorePlacement placement;
        final Set<String> unusable;
        final NetworkPaths paths;
        final LatencyModel latency;
        final Map<StreamKey, MeanValueRouting> routing = new HashMap<>();
        final Map<String, int[]> ranked = new HashMap<>();
        final Map<String, TaskType> types = new HashMap<>();
        final Map<String, ServiceSpec> services;
        /** The nodes hosting any core instance. */
        final Set<String> coreHosts = new HashSet<>();
        /** Per light service: the usable nodes that may run it, by kind and capacity, ascending. */
        final Map<String, int[]> lightBase = new HashMap<>();
        /** Per (origin, light service, leaf input size): the stage's candidates. */
        final Map<LightKey, int[]> lightCandidates = new HashMap<>();
        /** The analyses of the cache this one replaced when only the usable nodes changed, or empty. */
        final Map<StreamKey, MeanValueRouting> before;
        final Map<String, int[]> rankedBefore;

        Cache(SystemModel model, CorePlacement placement, Set<String> unusable, LightSettings s) {
            this(model, placement, unusable, s, new NetworkPaths(model.topology(), s.kmPerMs(), unusable), Map.of(), Map.of());
        }

        private Cache(SystemModel model, CorePlacement placement, Set<String> unusable, LightSettings s, NetworkPaths paths,
                Map<StreamKey, MeanValueRouting> before, Map<String, int[]> rankedBefore) {
            this.model = model;
            model.taskTypes().forEach(t -> types.put(t.id(), t));
            this.services = model.servicesById();
            this.placement = placement;
            this.unusable = unusable;
            this.paths = paths;
            this.latency = new LatencyModel(model, paths, s.meanChannel(), s.leafInput());
            placement.assignments().forEach(a -> coreHosts.add(a.node()));
            this.before = before;
            this.rankedBefore = rankedBefore;
        }

        /** The cache for other usable nodes under the same model and placement: delays repaired, analyses kept for checking. */
        Cache withUnusable(Set<String> unusable, LightSettings s) {
            return new Cache(model, placement, unusable, s, paths.withExcluded(unusable), routing, ranked);
        }
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
    }

    /** A stream's share of one stage at its rank-th candidate. */
    private static final class Contribution {
        final StreamKey stream;
        final String stage;
        final int rank;
        double share;

        Contribution(StreamKey stream, String stage, int rank, double share) {
            this.stream = stream;
            this.stage = stage;
            this.rank = rank;
            this.share = share;
        }

        String key() {
            return stream.origin() + "|" + stream.type() + "|" + stage + "|" + rank;
        }
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
        if (cache == null || cache.model != model || !cache.placement.equals(obs.corePlacement())) {
            cache = new Cache(model, obs.corePlacement(), unusable, s);
        } else if (!cache.unusable.equals(unusable)) {
            cache = fromScratch ? new Cache(model, obs.corePlacement(), unusable, s) : cache.withUnusable(unusable, s);
        }
        NetworkPaths paths = cache.paths;

        // 2. demand per stream (origin device, task type)
        Map<StreamKey, Double> rates = streamRates(obs, model, notes);

        // 3. candidates per (stream, stage)
        Map<StreamKey, Map<String, int[][]>> cands = new LinkedHashMap<>();
        for (StreamKey k : rates.keySet()) {
            MeanValueRouting r = routing(k, model);
            if (r == null) {
                continue;
            }
            Map<String, int[][]> perStage = new LinkedHashMap<>();
            for (Stage st : cache.types.get(k.type()).stages()) {
                perStage.put(st.id(), rank(r, st, k, residual, model));
            }
            cands.put(k, perStage);
        }

        // 4. attribution, sizing, node resolution, spill
        Map<String, ServiceSpec> services = model.servicesById();
        List<Contribution> contributions = new ArrayList<>();
        for (Map.Entry<StreamKey, Map<String, int[][]>> e : cands.entrySet()) {
            for (Stage st : cache.types.get(e.getKey().type()).stages()) {
                if (services.get(st.service()).kind() == ServiceKind.LIGHT && e.getValue().get(st.id())[0].length > 0) {
                    contributions.add(new Contribution(e.getKey(), st.id(), 0, 1.0));
                }
            }
        }
        // with admission control the pairs' queues receive the admitted tasks: size for those (light.admission-sizing)
        EngineAdmission admission = new EngineAdmission(s, cache.types, cache.services, obs.corePlacement(), nodes, unusable);
        Map<StreamKey, Double> sizing = guards.admission() && s.sizeForAdmitted()
                ? admission.coreAdmitted(rates, StreamKey::type) : rates;
        Map<Long, Pair> pairs = allocate(obs, model, services, cands, sizing, contributions, residual, paths, null, null);
        for (int round = 0; round < s.spillRounds(); round++) {
            Set<Integer> dirty = new HashSet<>();
            List<Contribution> moved = spill(pairs, cands, dirty);
            if (moved.isEmpty()) {
                break;
            }
            contributions = merge(contributions, moved);
            // only the nodes that lost or gained demand are sized and resolved again
            pairs = allocate(obs, model, services, cands, sizing, contributions, residual, paths, pairs, dirty);
        }
        if (s.serviceFloor()) {
            new EngineFloor(sizer, observed, previousX, obs.slotMs(), cache.types, k -> routing(k, model))
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
                remember(node + "|" + p.service.id(), p.wanted, sizer.releaseAfterSlots(p.service));
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
        wantedX.keySet().removeIf(k -> !decided.contains(k));
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
        RoutingTable routing = routes(model, cands, contributions, obs.corePlacement(), allocations, paths, unusable, notes);
        if (guards.admission()) {
            Map<String, Double> lightCapacity = new HashMap<>();
            for (Pair p : pairs.values()) {
                if (p.x > 0) {
                    lightCapacity.merge(paths.node(p.node).id() + "|" + p.service.id(), p.ladder.capacity()[p.x], Double::sum);
                }
            }
            List<Admission.Stream> streams = new ArrayList<>();
            rates.forEach((k, r) -> {
                MeanValueRouting mv = cache.routing.get(k);
                streams.add(new Admission.Stream(k.origin(), cache.types.get(k.type()), r, mv == null ? Double.NaN : mv.bestEndToEnd()));
            });
            routing = admission.admit(routing, streams, lightCapacity, notes);
        }
        return PlanResult.planned(new LightDecision(obs.slot(), allocations, routing, List.of(), List.of()), notes);
    }


    private MeanValueRouting routing(StreamKey k, SystemModel model) {
        return cache.routing.computeIfAbsent(k, key -> {
            NetworkPaths paths = cache.paths;
            int origin = paths.indexOf(key.origin());
            if (origin < 0 || paths.isExcluded(origin)) {
                return null;
            }
            TaskType t = cache.types.get(key.type());
            MeanValueRouting kept = cache.before.get(key);
            if (kept != null && stillValid(kept, t, origin, model)) {
                for (Stage st : t.stages()) {
                    String rk = key.origin() + "|" + key.type() + "|" + st.id();
                    int[] ranked = cache.rankedBefore.get(rk);
                    if (ranked != null) {
                        cache.ranked.put(rk, ranked);
                    }
                }
                return kept;
            }
            double uplink = 0;
            int n = 0;
            for (UserSpec u : model.users()) {
                if (u.node().equals(key.origin())) {
                    uplink += cache.latency.meanUplinkMs(u, t);
                    n++;
                }
            }
            uplink = n == 0 ? 0 : uplink / n;
            analyses++;
            return MeanValueRouting.analyse(cache.latency, t, origin, uplink, st -> candidates(st, t, origin, model));
        });
    }

    /**
     * True when an analysis made before the usable nodes changed is what analysing the stream now gives:
     * the same candidates for every stage, and no delay it read changed (the model, placement, origin and
     * uplink are the same by construction of the cache).
     */
    private boolean stillValid(MeanValueRouting r, TaskType t, int origin, SystemModel model) {
        for (Stage st : r.stages()) {
            if (!Arrays.equals(r.candidates(st.id()), candidates(st, t, origin, model))) {
                return false;
            }
        }
        return r.unchangedUnder(cache.paths);
    }

    private int[] candidates(Stage st, TaskType type, int origin, SystemModel model) {
        NetworkPaths paths = cache.paths;
        ServiceSpec svc = cache.services.get(st.service());
        List<Integer> out = new ArrayList<>();
        if (svc.kind() == ServiceKind.CORE) {
            for (String host : cache.placement.nodesHosting(svc.id())) {
                int v = paths.indexOf(host);
                if (v >= 0 && !paths.isExcluded(v)) {
                    out.add(v);
                }
            }
        } else {
            // the same for every task type with this service and leaf input size from this origin
            double leafMb = cache.latency.leafInputMb(type);
            return cache.lightCandidates.computeIfAbsent(new LightKey(origin, svc.id(), leafMb),
                    k -> lightCandidates(svc, origin, leafMb));
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private int[] lightCandidates(ServiceSpec svc, int origin, double leafMb) {
        NetworkPaths paths = cache.paths;
        Set<String> coreHosts = cache.coreHosts;
        // assumption: light stages run at the origin, on servers, in the cloud or beside core instances
        // (ec-lyapunov.light-candidates = all lifts this)
        int[] base = cache.lightBase.computeIfAbsent(svc.id(), k -> {
            List<Integer> b = new ArrayList<>();
            for (int v = 0; v < paths.size(); v++) {
                NodeSpec n = paths.node(v);
                if (paths.isExcluded(v) || !svc.demand().fitsIn(n.capacity())) {
                    continue;
                }
                boolean ok = order.cloudOnly() ? n.kind() == NodeKind.CLOUD
                        : s.allLightCandidates() || n.kind() != NodeKind.DEVICE || coreHosts.contains(n.id());
                if (ok) {
                    b.add(v);
                }
            }
            return b.stream().mapToInt(Integer::intValue).toArray();
        });
        // the origin is a candidate where it can run the service (not with CLOUD_ONLY unless it is a cloud)
        boolean originToo = !order.cloudOnly() && !paths.isExcluded(origin)
                && svc.demand().fitsIn(paths.node(origin).capacity()) && Arrays.binarySearch(base, origin) < 0;
        int[] out = new int[base.length + 1];
        int n = 0;
        for (int v : base) {
            if (originToo && origin < v) {
                out[n++] = origin;
                originToo = false;
            }
            // a node the origin cannot reach would get an infinite latency and never be ranked: leaving it out
            // changes nothing and keeps the analysis to the reachable part of the fleet
            if (paths.reachable(origin, v)) {
                out[n++] = v;
            }
        }
        if (originToo) {
            out[n++] = origin;
        }
        int[] all = Arrays.copyOf(out, n);
        // ec-lyapunov.candidates-per-origin: the K nearest to the origin, and the core hosts (few; a light
        // stage beside its core stage saves a trip)
        int[] near = paths.nearest(origin, all, s.candidatesPerOrigin(), leafMb);
        if (near.length == all.length) {
            return all;
        }
        boolean[] keep = new boolean[paths.size()];
        for (int v : near) {
            keep[v] = true;
        }
        int m = 0;
        for (int v : all) {
            if (keep[v] || coreHosts.contains(paths.node(v).id())) {
                all[m++] = v;
            }
        }
        return Arrays.copyOf(all, m);
    }

    /** The ordered candidates of one stage for one stream (top K): {node indices, positions in the analysis}. */
    private int[][] rank(MeanValueRouting r, Stage st, StreamKey k, Map<String, ResourceVector> residual, SystemModel model) {
        int[] cand = r.candidates(st.id());
        int[] byLatency = cache.ranked.computeIfAbsent(k.origin() + "|" + k.type() + "|" + st.id(), key -> r.ranked(st.id()));
        ServiceSpec svc = cache.services.get(st.service());
        int[] ordered = byLatency;
        if (svc.kind() == ServiceKind.LIGHT) {
            ordered = order.order(byLatency, cand, cache.paths.indexOf(k.origin()), residual, cache.paths);
            ordered = Arrays.copyOf(ordered, Math.min(ordered.length, s.candidates()));
        }
        int[] nodes = new int[ordered.length];
        for (int i = 0; i < ordered.length; i++) {
            nodes[i] = cand[ordered[i]];
        }
        return new int[][] {nodes, ordered};
    }

    /**
     * The demand the slot is planned for, per stream (origin node, task type). A slot's arrival count
     * is a poor forecast of the next slot when a stream brings a task or two per slot: a stream that
     * happened to bring none would lose its light instances and every route, and its next task would
     * find no serving node. So the counted rates are smoothed (EWMA with weight
     * {@code ec-lyapunov.demand-smoothing} on the newest slot, starting from the declared workload), and
     * a declared stream is planned for at least {@code ec-lyapunov.demand-floor} of its declared rate.
     */
    private Map<StreamKey, Double> streamRates(SlotObservation obs, SystemModel model, List<Reason> notes) {
        Map<String, String> userNode = new HashMap<>();
        for (UserSpec u : model.users()) {
            userNode.put(u.id(), u.node());
        }
        Set<String> typeIds = new HashSet<>();
        model.taskTypes().forEach(t -> typeIds.add(t.id()));
        Map<StreamKey, Double> declared = new LinkedHashMap<>();
        for (Demand w : model.workload()) {
            String node = userNode.get(w.user());
            if (node != null && typeIds.contains(w.taskType())) {
                declared.merge(new StreamKey(node, w.taskType()), w.arrivals().meanRatePerMs(), Double::sum);
            }
        }
        if (smoothed.isEmpty()) {
            smoothed.putAll(declared);
        }
        List<DemandEstimate> d = obs.arrivals();
        if (d.isEmpty()) {
            // nothing counted: the estimates stay as they are (the declared workload before any count)
            if (obs.slot() > 0 && !declared.isEmpty()) {
                notes.add(new Reason("missing-arrivals", "no arrival counts in this slot; planning for the smoothed"
                        + " estimates (the declared workload before any count)"));
            }
        } else {
            Map<StreamKey, Double> counted = new HashMap<>();
            List<String> unknown = new ArrayList<>();
            for (DemandEstimate de : d) {
                String node = userNode.get(de.user());
                if (node == null || !typeIds.contains(de.taskType())) {
                    unknown.add(de.user() + "/" + de.taskType());
                    continue;
                }
                counted.merge(new StreamKey(node, de.taskType()), de.ratePerMs(), Double::sum);
            }
            if (!unknown.isEmpty()) {
                notes.add(new Reason("unknown-demand", "arrivals for unknown user/task type ignored: " + String.join(", ", unknown)));
            }
            double w = s.demandSmoothing();
            counted.keySet().forEach(k -> smoothed.putIfAbsent(k, 0.0));
            // a stream neither declared nor counted for long is forgotten
            smoothed.replaceAll((k, old) -> (1 - w) * old + w * counted.getOrDefault(k, 0.0));
            smoothed.entrySet().removeIf(e -> e.getValue() < FORGET_BELOW_PER_MS && !declared.containsKey(e.getKey()));
        }
        Map<StreamKey, Double> rates = new LinkedHashMap<>();
        smoothed.forEach((k, r) -> {
            double rate = Math.max(r, s.demandFloor() * declared.getOrDefault(k, 0.0));
            if (rate > 0) {
                rates.put(k, rate);
            }
        });
        return rates;
    }

    private Map<Long, Pair> allocate(SlotObservation obs, SystemModel model, Map<String, ServiceSpec> services,
            Map<StreamKey, Map<String, int[][]>> cands, Map<StreamKey, Double> rates, List<Contribution> contributions,
            Map<String, ResourceVector> residual, NetworkPaths paths, Map<Long, Pair> previous, Set<Integer> dirty) {
        Map<Long, Pair> pairs = new LinkedHashMap<>();
        Map<String, Integer> serviceIndex = new HashMap<>();
        for (ServiceSpec sv : model.services()) {
            serviceIndex.put(sv.id(), serviceIndex.size());
        }
        for (Contribution c : contributions) {
            int[][] cs = cands.get(c.stream).get(c.stage);
            if (c.rank >= cs[0].length || c.share <= 0) {
                continue;
            }
            int v = cs[0][c.rank];
            TaskType t = cache.types.get(c.stream.type());
            Stage st = t.stage(c.stage);
            ServiceSpec svc = services.get(st.service());
            long key = ((long) v << 20) | serviceIndex.get(svc.id());
            Pair p = pairs.computeIfAbsent(key, k -> new Pair(v, svc, k));
            p.lambda += rates.get(c.stream) * c.share;
            p.owners.add(c);
            MeanValueRouting r = routing(c.stream, model);
            int j = cs[1][c.rank];
            // assumption: the budget left for this stage is D_n − d^pr − (best mean time from here to the
            // sink), the worst over the streams the pair serves
            double budget = t.deadlineMs() - r.preceding(c.stage, j) - r.toSink(c.stage, j);
            p.budget = Math.min(p.budget, budget);
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
            ServiceObservation so = observed.get(node + "|" + p.service.id());
            if (so != null) {
                sizer.observeBacklog(node, p.service.id(), so.queueLength());
            }
            ResourceVector res = residual.get(node);
            int maxX = res == null ? 0 : Math.min(s.maxInstances(), p.service.demand().copiesFittingIn(res));
            double[] samples = so == null ? new double[0] : so.rateSamplesMbPerMs();
            int sy = so == null ? 1 : Math.max(1, so.parallelism());
            p.hold = guards.releaseHysteresis() ? Math.min(maxX, held(node + "|" + p.service.id())) : 0;
            p.ladder = sizer.ladder(new Sizer.Input(paths.node(p.node), p.service, p.lambda, p.budget,
                    previousX.getOrDefault(node + "|" + p.service.id(), 0), sizer.queue(node, p.service.id()), obs.slotMs(),
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
            long key = ((long) v << 20) | serviceIndex.get(svc.id());
            if (pairs.containsKey(key)) {
                continue;
            }
            double budget = Double.POSITIVE_INFINITY;
            for (TaskType t : model.taskTypes()) {
                for (Stage st : t.stages()) {
                    if (st.service().equals(svc.id())) {
                        budget = Math.min(budget, t.deadlineMs());
                    }
                }
            }
            if (budget == Double.POSITIVE_INFINITY) {
                continue;
            }
            Pair p = new Pair(v, svc, key);
            p.budget = budget;
            pairs.put(key, p);
        }
    }


    /**
     * Ski rental on release: the most instances the sizer wanted for a pair over the last
     * {@link Sizer#releaseAfterSlots} slots, so a surplus instance is released only once it has gone
     * unwanted that long (keeping it costs c^mt per slot, re-deploying it c^dp).
     */
    private int held(String pair) {
        java.util.ArrayDeque<Integer> q = wantedX.get(pair);
        int h = 0;
        if (q != null) {
            for (int w : q) {
                h = Math.max(h, w);
            }
        }
        return h;
    }

    private void remember(String pair, int wanted, int slots) {
        if (slots <= 0) {
            wantedX.remove(pair);
            return;
        }
        java.util.ArrayDeque<Integer> q = wantedX.computeIfAbsent(pair, k -> new java.util.ArrayDeque<>());
        q.addFirst(wanted);
        while (q.size() > slots) {
            q.removeLast();
        }
    }


    /** Moves the share a pair could not serve to each owner's next candidate. */
    private static List<Contribution> spill(Map<Long, Pair> pairs, Map<StreamKey, Map<String, int[][]>> cands, Set<Integer> dirty) {
        List<Contribution> moved = new ArrayList<>();
        for (Pair p : pairs.values()) {
            double cap = p.x > 0 ? p.ladder.capacity()[p.x] : 0;
            if (p.lambda <= 0 || cap >= p.lambda - 1e-12) {
                continue;
            }
            double fraction = 1 - cap / p.lambda;
            for (Contribution c : p.owners) {
                int[] next = cands.get(c.stream).get(c.stage)[0];
                if (c.rank + 1 < next.length) {
                    dirty.add(p.node);
                    dirty.add(next[c.rank + 1]);
                    double m = c.share * fraction;
                    c.share -= m;
                    moved.add(new Contribution(c.stream, c.stage, c.rank + 1, m));
                }
            }
        }
        return moved;
    }

    private static List<Contribution> merge(List<Contribution> a, List<Contribution> moved) {
        Map<String, Contribution> m = new LinkedHashMap<>();
        for (Contribution c : a) {
            m.put(c.key(), c);
        }
        for (Contribution c : moved) {
            Contribution old = m.get(c.key());
            if (old == null) {
                m.put(c.key(), c);
            } else {
                old.share += c.share;
            }
        }
        return new ArrayList<>(m.values());
    }

    private RoutingTable routes(SystemModel model, Map<StreamKey, Map<String, int[][]>> cands, List<Contribution> contributions,
            CorePlacement placement, List<ServiceAllocation> allocations, NetworkPaths paths, Set<String> unusable,
            List<Reason> notes) {
        List<Route> routes = new ArrayList<>();
        Map<String, Map<String, Double>> fallback = new LinkedHashMap<>();
        Map<String, Map<String, Double>> perStream = new LinkedHashMap<>();
        // A light stage is routed only to nodes that run an instance of its service after the node
        // resolution: demand attributed to a pair that got no instance (its node's residual went to
        // other pairs, or its spill found no further candidate) would otherwise send tasks to a node
        // that cannot serve them, where they are lost as unrouted. The stream's other targets take its
        // share; a stream left with none falls back to every node running the service.
        Set<String> running = new HashSet<>();
        for (ServiceAllocation a : allocations) {
            if (a.instances() > 0) {
                running.add(a.node() + "|" + a.service());
            }
        }
        for (Contribution c : contributions) {
            int[][] cs = cands.get(c.stream).get(c.stage);
            if (c.rank < cs[0].length && c.share > 1e-12) {
                String node = paths.node(cs[0][c.rank]).id();
                String service = cache.types.get(c.stream.type()).stage(c.stage).service();
                if (!running.contains(node + "|" + service)) {
                    continue;
                }
                perStream.computeIfAbsent(c.stream.origin() + "|" + c.stream.type() + "|" + c.stage, k -> new LinkedHashMap<>())
                        .merge(node, c.share, Double::sum);
            }
        }
        for (Map.Entry<StreamKey, Map<String, int[][]>> e : cands.entrySet()) {
            StreamKey k = e.getKey();
            TaskType t = cache.types.get(k.type());
            MeanValueRouting r = routing(k, model);
            for (Stage st : t.stages()) {
                Map<String, Double> targets;
                if (cache.services.get(st.service()).kind() == ServiceKind.CORE) {
                    targets = coreTargets(r, st, k, placement, paths);
                } else {
                    targets = perStream.getOrDefault(k.origin() + "|" + k.type() + "|" + st.id(), Map.of());
                }
                if (targets.isEmpty()) {
                    continue;
                }
                List<WeightedTarget> w = weighted(targets);
                if (w.isEmpty()) {
                    continue;
                }
                routes.add(new Route(k.type(), st.id(), k.origin(), w));
                Map<String, Double> fb = fallback.computeIfAbsent(k.type() + "|" + st.id(), x -> new LinkedHashMap<>());
                targets.forEach((n, wt) -> fb.merge(n, wt, Double::sum));
            }
        }
        List<String> unrouted = new ArrayList<>();
        for (TaskType t : model.taskTypes()) {
            for (Stage st : t.stages()) {
                Map<String, Double> fb = fallback.get(t.id() + "|" + st.id());
                if (fb == null && cache.services.get(st.service()).kind() == ServiceKind.CORE) {
                    // no demand seen for this type: route core stages to every usable host
                    fb = new LinkedHashMap<>();
                    for (var a : placement.assignments()) {
                        if (a.service().equals(st.service()) && !unusable.contains(a.node())) {
                            fb.merge(a.node(), (double) a.instances(), Double::sum);
                        }
                    }
                } else if (fb == null || fb.isEmpty()) {
                    // no demand seen for this type, or none of its targets got an instance: a light stage
                    // shares the instances other types and streams run
                    fb = new LinkedHashMap<>();
                    for (ServiceAllocation a : allocations) {
                        if (a.service().equals(st.service())) {
                            fb.merge(a.node(), (double) a.instances(), Double::sum);
                        }
                    }
                }
                List<WeightedTarget> w = fb == null ? List.of() : weighted(fb);
                if (w.isEmpty()) {
                    unrouted.add(t.id() + "/" + st.id());
                    continue;
                }
                routes.add(new Route(t.id(), st.id(), null, w));
            }
        }
        if (!unrouted.isEmpty()) {
            notes.add(new Reason("unrouted-stage", "no serving node for " + String.join(", ", unrouted)
                    + " (no demand or no usable host this slot)"));
        }
        return new RoutingTable(routes);
    }

    /** Core stage: usable hosts within the slack of the best mean latency, weighted by instances (assumption: papers.md 5.1 item 6). */
    private Map<String, Double> coreTargets(MeanValueRouting r, Stage st, StreamKey k, CorePlacement placement, NetworkPaths paths) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (r == null) {
            return out;
        }
        int[] cand = r.candidates(st.id());
        int[] ranked = cache.ranked.computeIfAbsent(k.origin() + "|" + k.type() + "|" + st.id(), key -> r.ranked(st.id()));
        if (ranked.length == 0) {
            return out;
        }
        double best = r.through(st.id(), ranked[0]);
        for (int j : ranked) {
            if (r.through(st.id(), j) <= best + s.coreRouteSlackMs()) {
                String node = paths.node(cand[j]).id();
                out.put(node, (double) placement.instances(node, st.service()));
            }
        }
        return out;
    }

    private static List<WeightedTarget> weighted(Map<String, Double> m) {
        double total = m.values().stream().mapToDouble(Double::doubleValue).sum();
        List<WeightedTarget> out = new ArrayList<>();
        m.forEach((n, w) -> {
            if (w > 0) {
                out.add(new WeightedTarget(n, w / total));
            }
        });
        return out;
    }
}
