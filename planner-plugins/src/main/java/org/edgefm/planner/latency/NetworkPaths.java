package org.edgefm.planner.latency;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefm.api.model.Latency;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.Topology;

/**
 * Shortest network delays between nodes for a payload of a given size: each link costs
 * {@code b / w + W / l + extra} (paper 1, eq. (2): transfer plus propagation), and a path costs the
 * sum over its links (store and forward). Nodes in {@code excluded} carry no traffic.
 *
 * <p>Distances are computed by Dijkstra ({@link ShortestPaths}) per (source, payload size) on first use
 * and kept in a {@link PathStore} that every instance made for an equal topology, speed and excluded set
 * shares, on any thread (the core planner's estimates, the light controller and its preparation compute
 * each distance once between them); an instance itself is not thread-safe (one thread at a time, handed
 * over with a happens-before edge). {@link #withExcluded} gives the paths for another set of excluded
 * nodes, repairing copies of the computed distances where the change touches them ({@link DistanceRepair})
 * instead of recomputing them, and says which distances changed ({@link #changed}). The network itself
 * ({@link PathGraph}) is shared between such instances.
 */
public final class NetworkPaths {
    /** Propagation speed in fibre, 2·10^8 m/s = 200 km/ms (assumption: paper 1 does not give l): {@link Latency#DEFAULT_KM_PER_MS}. */
    public static final double DEFAULT_KM_PER_MS = Latency.DEFAULT_KM_PER_MS;

    private final PathStore store;
    private final PathGraph graph;
    private final boolean[] excluded;
    /** This instance's view of the store's rows per payload size (a look-up without boxing for the size asked last). */
    private final Map<Double, PathStore.Sized> sized = new HashMap<>();
    private double lastSize = Double.NaN;
    private PathStore.Sized lastRows;
    /**
     * Per payload size, per source, after {@link #withExcluded}: the targets whose distance differs from
     * the previous instance's; null where the previous instance had not computed it (unknown).
     */
    private final Map<Double, BitSet[]> changed = new HashMap<>();
    private int[] component;

    /**
     * @param topology the network
     * @param kmPerMs  propagation speed l in km/ms
     * @param excluded ids of nodes that carry no traffic (offline)
     */
    public NetworkPaths(Topology topology, double kmPerMs, Set<String> excluded) {
        this(PathStore.of(topology, kmPerMs, excluded));
    }

    /** Paths over a store's distances (shared, or this instance's own after {@link #withExcluded}). */
    private NetworkPaths(PathStore store) {
        this.store = store;
        this.graph = store.graph;
        this.excluded = store.excluded;
    }

    /** Paths over the whole topology at the default propagation speed. */
    public NetworkPaths(Topology topology) {
        this(topology, DEFAULT_KM_PER_MS, Set.of());
    }

    /** Number of nodes. */
    public int size() {
        return graph.size();
    }

    /** The index of a node id, or -1. */
    public int indexOf(String node) {
        return graph.indexOf(node);
    }

    /** The node at an index. */
    public NodeSpec node(int i) {
        return graph.nodes.get(i);
    }

    /** True when the node carries no traffic. */
    public boolean isExcluded(int i) {
        return excluded[i];
    }

    /** One link's delay for {@code sizeMb}: eq. (2), transfer {@code b/w} plus propagation {@code W/l} (+ extra). */
    public double linkDelayMs(LinkSpec link, double sizeMb) {
        return graph.linkDelayMs(link, sizeMb);
    }

    /**
     * The shortest delay in ms to move {@code sizeMb} from {@code from} to {@code to}; 0 when they are
     * the same node (co-located stages, assumption papers.md 1.2), infinity when unreachable.
     */
    public double delayMs(int from, int to, double sizeMb) {
        if (from == to) {
            return excluded[from] ? Double.POSITIVE_INFINITY : 0;
        }
        return distances(from, sizeMb)[to];
    }

    /** {@link #delayMs(int, int, double)} by node id. */
    public double delayMs(String from, String to, double sizeMb) {
        int a = indexOf(from);
        int b = indexOf(to);
        if (a < 0 || b < 0) {
            return Double.POSITIVE_INFINITY;
        }
        return delayMs(a, b, sizeMb);
    }

    /**
     * True when traffic can go from {@code from} to {@code to} over nodes that are not excluded (the
     * delay between them is finite); connected components, computed once.
     */
    public boolean reachable(int from, int to) {
        if (excluded[from] || excluded[to]) {
            return false;
        }
        if (component == null) {
            component = graph.components(excluded);
        }
        return component[from] == component[to];
    }

    /**
     * The nodes of {@code sorted} (ascending indices) that {@code origin} reaches, with {@code origin} itself
     * merged in index order when {@code originToo}; a candidate list for one stream's stage. A node the
     * origin cannot reach would get an infinite latency and never be chosen: leaving it out changes no
     * decision and keeps an analysis linear in the reachable part of a large fleet.
     */
    public int[] reachableFrom(int origin, int[] sorted, boolean originToo) {
        int[] out = new int[sorted.length + 1];
        int n = 0;
        for (int v : sorted) {
            if (originToo && origin < v) {
                out[n++] = origin;
                originToo = false;
            }
            if (reachable(origin, v)) {
                out[n++] = v;
            }
        }
        if (originToo) {
            out[n++] = origin;
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /**
     * The {@code k} candidates nearest to {@code origin}: smallest delay for a payload of {@code sizeMb}
     * from the origin, the origin itself first when it is a candidate, ties by index; every candidate
     * when {@code k <= 0} or there are at most {@code k}. The order of the returned array is the input's.
     * Bounds a stream's candidate hosts in a large connected fleet (one Dijkstra per origin and size).
     */
    public int[] nearest(int origin, int[] candidates, int k, double sizeMb) {
        if (k <= 0 || candidates.length <= k) {
            return candidates;
        }
        return NearestCandidates.select(origin, candidates, k, distances(origin, sizeMb));
    }

    /** All delays from one source for one payload size (shared array, also read by other threads: do not modify). */
    public double[] distances(int from, double sizeMb) {
        return rows(sizeMb).row(from).dist();
    }

    private PathStore.Sized rows(double sizeMb) {
        if (sizeMb == lastSize && lastRows != null) {
            return lastRows;
        }
        PathStore.Sized r = sized.computeIfAbsent(sizeMb, store::rows);
        lastSize = sizeMb;
        lastRows = r;
        return r;
    }

    /**
     * True when {@code distances(from, sizeMb)[to]} may differ from what the instance this one was made
     * from by {@link #withExcluded} gave: it differs, or the previous instance had not computed it. Always
     * true on an instance made by a constructor.
     */
    public boolean changed(int from, double sizeMb, int to) {
        BitSet c = changedFrom(from, sizeMb);
        return c == null || c.get(to);
    }

    /** The targets whose distance from {@code from} changed ({@link #changed}), or null when unknown (all). */
    BitSet changedFrom(int from, double sizeMb) {
        BitSet[] c = changed.get(sizeMb);
        return c == null ? null : c[from];
    }

    /**
     * The paths of the same network with {@code excludedIds} excluded instead. Every distance computed for this
     * instance's network and excluded set (by it, or by another instance sharing its {@link PathStore}) moves to
     * the new one, repaired exactly where the change touches it (the nodes whose shortest path ran through a
     * node that is now excluded, and the nodes a node that is back brings closer), and {@link #changed} on the
     * new instance names the distances that differ. The result equals what a fresh instance computes: a
     * shortest delay is the smallest sum over the paths left, whichever way it is found. Repairs work on
     * copies ({@link DistanceRepair}): this instance, and every other that shares its distances, keeps them
     * as they were. The new instance's distances are its own (not shared through {@link PathStore#of}).
     */
    public NetworkPaths withExcluded(Set<String> excludedIds) {
        int n = graph.size();
        boolean[] ex = graph.mask(excludedIds);
        NetworkPaths next = new NetworkPaths(new PathStore(graph, ex));
        boolean[] gone = new boolean[n];
        List<Integer> back = new ArrayList<>();
        boolean anyGone = false;
        for (int v = 0; v < n; v++) {
            gone[v] = ex[v] && !excluded[v];
            anyGone |= gone[v];
            if (excluded[v] && !ex[v]) {
                back.add(v);
            }
        }
        DistanceRepair r = new DistanceRepair(n);
        for (Map.Entry<Double, PathStore.Sized> e : store.allRows().entrySet()) {
            double size = e.getKey();
            PathStore.Sized row = e.getValue();
            PathStore.Sized nextRow = next.rows(size);
            BitSet[] c = new BitSet[n];
            next.changed.put(size, c);
            for (int s = 0; s < n; s++) {
                PathStore.Row old = row.published(s);
                if (old == null) {
                    continue;
                }
                DistanceRepair.Repaired fixed = r.repair(graph, ex, s, size, old, excluded, gone, anyGone, back);
                nextRow.put(s, fixed.row());
                c[s] = fixed.changed();
            }
        }
        return next;
    }
}
