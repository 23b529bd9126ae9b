package org.edgefm.planner.latency;

import java.util.ArrayList;
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
 * and cached, so an instance is cheap to query repeatedly but is not thread-safe. {@link #withExcluded}
 * gives the paths for another set of excluded nodes, repairing the cached distances where the change
 * touches them ({@link DistanceRepair}) instead of recomputing them, and says which distances changed
 * ({@link #changed}). The network itself ({@link PathGraph}) is shared between such instances.
 */
public final class NetworkPaths {
    /** Propagation speed in fibre, 2·10^8 m/s = 200 km/ms (assumption: paper 1 does not give l): {@link Latency#DEFAULT_KM_PER_MS}. */
    public static final double DEFAULT_KM_PER_MS = Latency.DEFAULT_KM_PER_MS;

    private final PathGraph graph;
    private final boolean[] excluded;
    /** Per payload size id, per source: the distances, or null until asked for. */
    private final List<double[][]> dist = new ArrayList<>();
    /** Per payload size id, per source: each node's predecessor on one shortest path (-1: none). */
    private final List<int[][]> pred = new ArrayList<>();
    /**
     * Per payload size id, per source, after {@link #withExcluded}: the targets whose distance differs from
     * the previous instance's; null where the previous instance had not computed it (unknown).
     */
    private final List<BitSet[]> changed = new ArrayList<>();
    private final Map<Double, Integer> sizeIds = new HashMap<>();
    private int[] component;

    /**
     * @param topology the network
     * @param kmPerMs  propagation speed l in km/ms
     * @param excluded ids of nodes that carry no traffic (offline)
     */
    public NetworkPaths(Topology topology, double kmPerMs, Set<String> excluded) {
        this.graph = new PathGraph(topology, kmPerMs);
        this.excluded = graph.mask(excluded);
    }

    /** The same network with another set of excluded nodes; no distance computed yet. */
    private NetworkPaths(NetworkPaths base, boolean[] excluded) {
        this.graph = base.graph;
        this.excluded = excluded;
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

    /** All delays from one source for one payload size (shared array: do not modify). */
    public double[] distances(int from, double sizeMb) {
        int sid = sizeId(sizeMb);
        double[][] row = dist.get(sid);
        double[] d = row[from];
        if (d == null) {
            int[] p = new int[graph.size()];
            d = ShortestPaths.dijkstra(graph, excluded, from, sizeMb, p);
            row[from] = d;
            pred.get(sid)[from] = p;
        }
        return d;
    }

    private int sizeId(double sizeMb) {
        Integer sid = sizeIds.get(sizeMb);
        if (sid == null) {
            int n = graph.size();
            sid = sizeIds.size();
            sizeIds.put(sizeMb, sid);
            dist.add(new double[n][]);
            pred.add(new int[n][]);
            changed.add(new BitSet[n]);
        }
        return sid;
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
        Integer sid = sizeIds.get(sizeMb);
        return sid == null ? null : changed.get(sid)[from];
    }

    /**
     * The paths of the same network with {@code excludedIds} excluded instead. Every distance this instance
     * computed moves to the new one, repaired exactly where the change touches it (the nodes whose shortest
     * path ran through a node that is now excluded, and the nodes a node that is back brings closer), and
     * {@link #changed} on the new instance names the distances that differ. The result equals what a fresh
     * instance computes: a shortest delay is the smallest sum over the paths left, whichever way it is
     * found. This instance gives up its cached distances (it recomputes them if asked again).
     */
    public NetworkPaths withExcluded(Set<String> excludedIds) {
        int n = graph.size();
        boolean[] ex = graph.mask(excludedIds);
        NetworkPaths next = new NetworkPaths(this, ex);
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
        List<Double> sizes = new ArrayList<>(sizeIds.keySet());
        sizes.sort((a, b) -> Integer.compare(sizeIds.get(a), sizeIds.get(b)));
        for (double size : sizes) {
            int sid = sizeIds.get(size);
            int nid = next.sizeId(size);
            double[][] row = dist.get(sid);
            int[][] prow = pred.get(sid);
            for (int s = 0; s < n; s++) {
                if (row[s] == null) {
                    continue;
                }
                BitSet c = r.repair(graph, ex, s, size, row[s], prow[s], excluded, gone, anyGone, back);
                next.dist.get(nid)[s] = row[s];
                next.pred.get(nid)[s] = prow[s];
                next.changed.get(nid)[s] = c;
                row[s] = null;
                prow[s] = null;
            }
        }
        return next;
    }
}
