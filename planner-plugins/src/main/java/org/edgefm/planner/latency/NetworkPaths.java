package org.edgefm.planner.latency;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.Topology;

/**
 * Shortest network delays between nodes for a payload of a given size: each link costs
 * {@code b / w + W / l + extra} (paper 1, eq. (2): transfer plus propagation), and a path costs the
 * sum over its links (store and forward). Nodes in {@code excluded} carry no traffic.
 *
 * <p>Distances are computed by Dijkstra per (source, payload size) on first use and cached, so an
 * instance is cheap to query repeatedly but is not thread-safe.
 */
public final class NetworkPaths {
    /** Propagation speed in fibre, 2·10^8 m/s = 200 km/ms (assumption: paper 1 does not give l). */
    public static final double DEFAULT_KM_PER_MS = 200.0;

    private final List<NodeSpec> nodes;
    private final Map<String, Integer> index = new HashMap<>();
    private final int[][] adjacency;
    private final LinkSpec[][] adjacencyLinks;
    private final boolean[] excluded;
    private final double kmPerMs;
    private final Map<Long, double[]> cache = new HashMap<>();
    private final Map<Double, Integer> sizeIds = new HashMap<>();
    private int[] component;

    /**
     * @param topology the network
     * @param kmPerMs  propagation speed l in km/ms
     * @param excluded ids of nodes that carry no traffic (offline)
     */
    public NetworkPaths(Topology topology, double kmPerMs, Set<String> excluded) {
        this.nodes = topology.nodes();
        this.kmPerMs = kmPerMs;
        for (int i = 0; i < nodes.size(); i++) {
            index.put(nodes.get(i).id(), i);
        }
        this.excluded = new boolean[nodes.size()];
        for (String id : excluded) {
            Integer i = index.get(id);
            if (i != null) {
                this.excluded[i] = true;
            }
        }
        List<List<Integer>> adj = new ArrayList<>();
        List<List<LinkSpec>> adjL = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            adj.add(new ArrayList<>());
            adjL.add(new ArrayList<>());
        }
        for (LinkSpec l : topology.links()) {
            int a = index.get(l.a());
            int b = index.get(l.b());
            adj.get(a).add(b);
            adjL.get(a).add(l);
            adj.get(b).add(a);
            adjL.get(b).add(l);
        }
        adjacency = new int[nodes.size()][];
        adjacencyLinks = new LinkSpec[nodes.size()][];
        for (int i = 0; i < nodes.size(); i++) {
            adjacency[i] = adj.get(i).stream().mapToInt(Integer::intValue).toArray();
            adjacencyLinks[i] = adjL.get(i).toArray(new LinkSpec[0]);
        }
    }

    /** Paths over the whole topology at the default propagation speed. */
    public NetworkPaths(Topology topology) {
        this(topology, DEFAULT_KM_PER_MS, Set.of());
    }

    /** Number of nodes. */
    public int size() {
        return nodes.size();
    }

    /** The index of a node id, or -1. */
    public int indexOf(String node) {
        Integer i = index.get(node);
        return i == null ? -1 : i;
    }

    /** The node at an index. */
    public NodeSpec node(int i) {
        return nodes.get(i);
    }

    /** True when the node carries no traffic. */
    public boolean isExcluded(int i) {
        return excluded[i];
    }

    /** One link's delay for {@code sizeMb}: eq. (2), transfer {@code b/w} plus propagation {@code W/l} (+ extra). */
    public double linkDelayMs(LinkSpec link, double sizeMb) {
        return LatencyModel.transferMs(sizeMb, link.bandwidthMbPerMs())
                + LatencyModel.propagationMs(link.lengthKm(), kmPerMs) + link.extraLatencyMs();
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
            component = components();
        }
        return component[from] == component[to];
    }

    private int[] components() {
        int[] c = new int[nodes.size()];
        Arrays.fill(c, -1);
        int[] stack = new int[nodes.size()];
        for (int s = 0; s < c.length; s++) {
            if (c[s] >= 0 || excluded[s]) {
                continue;
            }
            int top = 0;
            stack[top++] = s;
            c[s] = s;
            while (top > 0) {
                int u = stack[--top];
                for (int w : adjacency[u]) {
                    if (c[w] < 0 && !excluded[w]) {
                        c[w] = s;
                        stack[top++] = w;
                    }
                }
            }
        }
        return c;
    }

    /** All delays from one source for one payload size (shared array: do not modify). */
    public double[] distances(int from, double sizeMb) {
        int sid = sizeIds.computeIfAbsent(sizeMb, k -> sizeIds.size());
        long key = ((long) sid << 32) | from;
        double[] d = cache.get(key);
        if (d == null) {
            d = dijkstra(from, sizeMb);
            cache.put(key, d);
        }
        return d;
    }

    private double[] dijkstra(int from, double sizeMb) {
        double[] dist = new double[nodes.size()];
        Arrays.fill(dist, Double.POSITIVE_INFINITY);
        if (excluded[from]) {
            return dist;
        }
        dist[from] = 0;
        PriorityQueue<double[]> pq = new PriorityQueue<>((p, q) -> Double.compare(p[0], q[0]));
        pq.add(new double[] {0, from});
        while (!pq.isEmpty()) {
            double[] top = pq.poll();
            int u = (int) top[1];
            if (top[0] > dist[u]) {
                continue;
            }
            for (int e = 0; e < adjacency[u].length; e++) {
                int v = adjacency[u][e];
                if (excluded[v]) {
                    continue;
                }
                double nd = dist[u] + linkDelayMs(adjacencyLinks[u][e], sizeMb);
                if (nd < dist[v]) {
                    dist[v] = nd;
                    pq.add(new double[] {nd, v});
                }
            }
        }
        return dist;
    }
}
