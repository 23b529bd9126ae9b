package org.edgefm.planner.latency;

import java.util.ArrayList;
import java.util.Arrays;
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
 * <p>Distances are computed by Dijkstra per (source, payload size) on first use and cached, so an
 * instance is cheap to query repeatedly but is not thread-safe.
 */
public final class NetworkPaths {
    /** Propagation speed in fibre, 2·10^8 m/s = 200 km/ms (assumption: paper 1 does not give l): {@link Latency#DEFAULT_KM_PER_MS}. */
    public static final double DEFAULT_KM_PER_MS = Latency.DEFAULT_KM_PER_MS;

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
        return Latency.linkDelayMs(link, sizeMb, kmPerMs);
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
        double[] d = distances(origin, sizeMb);
        Integer[] order = new Integer[candidates.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            double da = candidates[a] == origin ? -1 : d[candidates[a]];
            double db = candidates[b] == origin ? -1 : d[candidates[b]];
            int c = Double.compare(da, db);
            return c != 0 ? c : Integer.compare(candidates[a], candidates[b]);
        });
        boolean[] keep = new boolean[candidates.length];
        for (int i = 0; i < k; i++) {
            keep[order[i]] = true;
        }
        int[] out = new int[k];
        int n = 0;
        for (int i = 0; i < candidates.length; i++) {
            if (keep[i]) {
                out[n++] = candidates[i];
            }
        }
        return out;
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
        int n = nodes.size();
        double[] dist = new double[n];
        Arrays.fill(dist, Double.POSITIVE_INFINITY);
        if (excluded[from]) {
            return dist;
        }
        // a binary heap of node indices with decrease-key (no boxing: this runs once per source and size,
        // thousands of times for a large fleet)
        int[] heap = new int[n];
        int[] pos = new int[n];
        Arrays.fill(pos, -1);
        boolean[] done = new boolean[n];
        int size = 0;
        dist[from] = 0;
        heap[size] = from;
        pos[from] = size++;
        while (size > 0) {
            int u = heap[0];
            done[u] = true;
            pos[u] = -1;
            size--;
            if (size > 0) {
                heap[0] = heap[size];
                pos[heap[0]] = 0;
                siftDown(heap, pos, dist, 0, size);
            }
            for (int e = 0; e < adjacency[u].length; e++) {
                int v = adjacency[u][e];
                if (excluded[v] || done[v]) {
                    continue;
                }
                double nd = dist[u] + linkDelayMs(adjacencyLinks[u][e], sizeMb);
                if (nd < dist[v]) {
                    dist[v] = nd;
                    if (pos[v] < 0) {
                        heap[size] = v;
                        pos[v] = size++;
                    }
                    siftUp(heap, pos, dist, pos[v]);
                }
            }
        }
        return dist;
    }

    private static void siftUp(int[] heap, int[] pos, double[] key, int i) {
        int x = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            int p = heap[parent];
            if (key[p] <= key[x]) {
                break;
            }
            heap[i] = p;
            pos[p] = i;
            i = parent;
        }
        heap[i] = x;
        pos[x] = i;
    }

    private static void siftDown(int[] heap, int[] pos, double[] key, int i, int size) {
        int x = heap[i];
        while (true) {
            int c = 2 * i + 1;
            if (c >= size) {
                break;
            }
            if (c + 1 < size && key[heap[c + 1]] < key[heap[c]]) {
                c++;
            }
            if (key[x] <= key[heap[c]]) {
                break;
            }
            heap[i] = heap[c];
            pos[heap[i]] = i;
            i = c;
        }
        heap[i] = x;
        pos[x] = i;
    }

}
