package org.edgefm.planner.twotier;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
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
import org.edgefm.planner.latency.LatencyModel;
import org.edgefm.planner.latency.MeanValueRouting;
import org.edgefm.planner.latency.NetworkPaths;
import org.edgefm.planner.twotier.LightEngine.StreamKey;

/**
 * The light engine's step 3: each stream's mean-value analysis ({@link MeanValueRouting}) and the ordered
 * candidates of its stages, kept while the model and the core placement stay. When only the set of usable
 * nodes changes, the network delays are repaired where the change touches them
 * ({@link NetworkPaths#withExcluded}) and a stream is analysed again only when its candidates or a delay its
 * analysis read changed, so the analyses are those a fresh analysis gives.
 */
final class StreamAnalyses {
    private record LightKey(int origin, String service, double leafMb) {
    }

    private final LightSettings s;
    private final CandidateOrder order;
    private Cache cache;
    /**
     * The analyses of a core placement that is about to come into force, made by {@link #prepare} on
     * another thread (published through this field, never changed after), or null.
     */
    private volatile Cache prepared;
    /** Streams analysed by {@link #prepare} (on the preparing thread). */
    private final AtomicLong preparedAnalyses = new AtomicLong();
    /** Tests only: analyse every stream again after each change of the usable nodes. */
    private boolean fromScratch;
    /** Streams analysed so far. */
    private long analyses;

    StreamAnalyses(LightSettings settings, CandidateOrder order) {
        this.s = settings;
        this.order = order;
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
        /** The users at each node, in the model's order (a stream's uplink is their mean). */
        final Map<String, List<UserSpec>> usersAt = new HashMap<>();
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
            model.users().forEach(u -> usersAt.computeIfAbsent(u.node(), k -> new ArrayList<>()).add(u));
            this.before = before;
            this.rankedBefore = rankedBefore;
        }

        /** The cache for other usable nodes under the same model and placement: delays repaired, analyses kept for checking. */
        Cache withUnusable(Set<String> unusable, LightSettings s) {
            return new Cache(model, placement, unusable, s, paths.withExcluded(unusable), routing, ranked);
        }
    }

    /** Tests only: every change of the usable nodes analyses every stream from scratch (the reference). */
    void analyseFromScratch() {
        fromScratch = true;
    }

    /** The number of stream analyses run so far. */
    long analyses() {
        return analyses;
    }

    /** The number of stream analyses run by {@link #prepare} so far. */
    long preparedAnalyses() {
        return preparedAnalyses.get();
    }

    /**
     * Analyses {@code streams} for a core placement before it comes into force, on the caller's thread (the
     * core planner's): {@link #update} takes these analyses when the placement comes into force on this
     * model. Built from scratch in a cache of its own, so nothing the engine reads meanwhile changes, and
     * what a later {@link #update} takes is what analysing the streams then gives.
     *
     * @param unusable the nodes unusable in the engine's latest slot (repaired by {@link #update} if they changed)
     */
    void prepare(SystemModel model, CorePlacement placement, Set<String> unusable, Iterable<StreamKey> streams) {
        Cache c = new Cache(model, placement, Set.copyOf(unusable), s);
        long n = 0;
        for (StreamKey k : streams) {
            MeanValueRouting r = routing(c, k);
            if (r != null) {
                n++;
                for (Stage st : c.types.get(k.type()).stages()) {
                    ranked(c, k, r, st);
                }
            }
        }
        preparedAnalyses.addAndGet(n);
        prepared = c;
    }

    /** Keeps the analyses for this model, core placement and set of unusable nodes (repaired, or built anew). */
    void update(SystemModel model, CorePlacement placement, Set<String> unusable) {
        Cache p = prepared;
        if (p != null && p.model != model) {
            prepared = null; // prepared for a model that is no longer the planners'
        } else if (p != null && p.placement.equals(placement)
                && (cache == null || cache.model != model || !cache.placement.equals(placement))
                && (!fromScratch || p.unusable.equals(unusable))) {
            // the placement prepared before it came into force: its analyses, repaired if the usable nodes changed
            prepared = null;
            cache = p.unusable.equals(unusable) ? p : p.withUnusable(unusable, s);
            return;
        }
        if (cache == null || cache.model != model || fromScratch && !cache.placement.equals(placement)) {
            cache = new Cache(model, placement, unusable, s);
        } else if (!cache.placement.equals(placement)) {
            // a new core placement on the same network: every analysis again, but the shortest delays depend on
            // the network and the usable nodes alone, so those already computed are kept (repaired where the
            // usable nodes changed too)
            NetworkPaths paths = cache.unusable.equals(unusable) ? cache.paths : cache.paths.withExcluded(unusable);
            cache = new Cache(model, placement, unusable, s, paths, Map.of(), Map.of());
        } else if (!cache.unusable.equals(unusable)) {
            cache = fromScratch ? new Cache(model, placement, unusable, s) : cache.withUnusable(unusable, s);
        }
    }

    /** The network delays over the usable nodes. */
    NetworkPaths paths() {
        return cache.paths;
    }

    /** Task types by id. */
    Map<String, TaskType> types() {
        return cache.types;
    }

    /** Services by id. */
    Map<String, ServiceSpec> services() {
        return cache.services;
    }

    /** The stream's analysis if it has one already (no analysis run), else null. */
    MeanValueRouting analysed(StreamKey k) {
        return cache.routing.get(k);
    }

    /** The stream's analysis, run on first use; null when its origin is unknown or unusable. */
    MeanValueRouting routing(StreamKey k) {
        return routing(cache, k);
    }

    private MeanValueRouting routing(Cache c, StreamKey k) {
        return c.routing.computeIfAbsent(k, key -> {
            NetworkPaths paths = c.paths;
            int origin = paths.indexOf(key.origin());
            if (origin < 0 || paths.isExcluded(origin)) {
                return null;
            }
            TaskType t = c.types.get(key.type());
            MeanValueRouting kept = c.before.get(key);
            if (kept != null && stillValid(c, kept, t, origin)) {
                for (Stage st : t.stages()) {
                    String rk = key.origin() + "|" + key.type() + "|" + st.id();
                    int[] ranked = c.rankedBefore.get(rk);
                    if (ranked != null) {
                        c.ranked.put(rk, ranked);
                    }
                }
                return kept;
            }
            double uplink = 0;
            int n = 0;
            for (UserSpec u : c.usersAt.getOrDefault(key.origin(), List.of())) {
                uplink += c.latency.meanUplinkMs(u, t);
                n++;
            }
            uplink = n == 0 ? 0 : uplink / n;
            if (c == cache) {
                analyses++;
            }
            return MeanValueRouting.analyse(c.latency, t, origin, uplink, st -> candidates(c, st, t, origin));
        });
    }

    /** A stage's candidates of the stream's analysis, ascending by mean latency through the node (positions in the analysis). */
    int[] ranked(StreamKey k, MeanValueRouting r, Stage st) {
        return ranked(cache, k, r, st);
    }

    private static int[] ranked(Cache c, StreamKey k, MeanValueRouting r, Stage st) {
        return c.ranked.computeIfAbsent(k.origin() + "|" + k.type() + "|" + st.id(), key -> r.ranked(st.id()));
    }

    /**
     * True when an analysis made before the usable nodes changed is what analysing the stream now gives:
     * the same candidates for every stage, and no delay it read changed (the model, placement, origin and
     * uplink are the same by construction of the cache).
     */
    private boolean stillValid(Cache c, MeanValueRouting r, TaskType t, int origin) {
        for (Stage st : r.stages()) {
            if (!Arrays.equals(r.candidates(st.id()), candidates(c, st, t, origin))) {
                return false;
            }
        }
        return r.unchangedUnder(c.paths);
    }

    private int[] candidates(Cache c, Stage st, TaskType type, int origin) {
        NetworkPaths paths = c.paths;
        ServiceSpec svc = c.services.get(st.service());
        List<Integer> out = new ArrayList<>();
        if (svc.kind() == ServiceKind.CORE) {
            for (String host : c.placement.nodesHosting(svc.id())) {
                int v = paths.indexOf(host);
                if (v >= 0 && !paths.isExcluded(v)) {
                    out.add(v);
                }
            }
        } else {
            // the same for every task type with this service and leaf input size from this origin
            double leafMb = c.latency.leafInputMb(type);
            return c.lightCandidates.computeIfAbsent(new LightKey(origin, svc.id(), leafMb),
                    k -> lightCandidates(c, svc, origin, leafMb));
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private int[] lightCandidates(Cache c, ServiceSpec svc, int origin, double leafMb) {
        NetworkPaths paths = c.paths;
        Set<String> coreHosts = c.coreHosts;
        // assumption: light stages run at the origin, on servers, in the cloud or beside core instances
        // (ec-lyapunov.light-candidates = all lifts this)
        int[] base = c.lightBase.computeIfAbsent(svc.id(), k -> {
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
        int[] all = paths.reachableFrom(origin, base, originToo);
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
    int[][] rank(MeanValueRouting r, Stage st, StreamKey k, Map<String, ResourceVector> residual) {
        int[] cand = r.candidates(st.id());
        int[] byLatency = ranked(k, r, st);
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

}
