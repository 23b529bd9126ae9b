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
 * <p>Distances are computed by Dijkstra per (source, payload size) on first use and cached, so an
 * instance is cheap to query repeatedly but is not thread-safe. {@link #withExcluded} gives the paths
 * for another set of excluded nodes, repairing the cached distances where the change touches them
 * instead of recomputing them, and says which distances changed ({@link #changed}).
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
    private static final BitSet NONE = new BitSet(0);

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

    /** The same network with another set of excluded nodes; no distance computed yet. */
    private NetworkPaths(NetworkPaths base, boolean[] excluded) {
        this.nodes = base.nodes;
        this.kmPerMs = base.kmPerMs;
        this.index.putAll(base.index);
        this.adjacency = base.adjacency;
        this.adjacencyLinks = base.adjacencyLinks;
        this.excluded = excluded;
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
        // the k first in the order: the origin, then by delay, then by node index: a max-heap of k positions, no boxing
        int[] heap = new int[k];
        int size = 0;
        for (int i = 0; i < candidates.length; i++) {
            if (size < k) {
                heap[size] = i;
                int c = size++;
                while (c > 0 && farther(candidates, d, origin, heap[c], heap[(c - 1) >>> 1])) {
                    swap(heap, c, (c - 1) >>> 1);
                    c = (c - 1) >>> 1;
                }
            } else if (farther(candidates, d, origin, heap[0], i)) {
                heap[0] = i;
                int c = 0;
                while (true) {
                    int l = 2 * c + 1;
                    if (l >= size) {
                        break;
                    }
                    int m = l + 1 < size && farther(candidates, d, origin, heap[l + 1], heap[l]) ? l + 1 : l;
                    if (!farther(candidates, d, origin, heap[m], heap[c])) {
                        break;
                    }
                    swap(heap, c, m);
                    c = m;
                }
            }
        }
        boolean[] keep = new boolean[candidates.length];
        for (int i = 0; i < size; i++) {
            keep[heap[i]] = true;
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

    /** True when candidate position {@code a} ranks after {@code b} in {@link #nearest}'s order. */
    private static boolean farther(int[] candidates, double[] d, int origin, int a, int b) {
        double da = candidates[a] == origin ? -1 : d[candidates[a]];
        double db = candidates[b] == origin ? -1 : d[candidates[b]];
        int c = Double.compare(da, db);
        return c != 0 ? c > 0 : candidates[a] > candidates[b];
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    /** All delays from one source for one payload size (shared array: do not modify). */
    public double[] distances(int from, double sizeMb) {
        int sid = sizeId(sizeMb);
        double[][] row = dist.get(sid);
        double[] d = row[from];
        if (d == null) {
            int[] p = new int[nodes.size()];
            d = dijkstra(from, sizeMb, p);
            row[from] = d;
            pred.get(sid)[from] = p;
        }
        return d;
    }

    private int sizeId(double sizeMb) {
        Integer sid = sizeIds.get(sizeMb);
        if (sid == null) {
            sid = sizeIds.size();
            sizeIds.put(sizeMb, sid);
            dist.add(new double[nodes.size()][]);
            pred.add(new int[nodes.size()][]);
            changed.add(new BitSet[nodes.size()]);
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
        int n = nodes.size();
        boolean[] ex = new boolean[n];
        for (String id : excludedIds) {
            Integer i = index.get(id);
            if (i != null) {
                ex[i] = true;
            }
        }
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
        Repair r = new Repair(n);
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
                BitSet c = next.repair(s, size, row[s], prow[s], excluded, gone, anyGone, back, r);
                next.dist.get(nid)[s] = row[s];
                next.pred.get(nid)[s] = prow[s];
                next.changed.get(nid)[s] = c;
                row[s] = null;
                prow[s] = null;
            }
        }
        return next;
    }

    /** Scratch arrays of one {@link #withExcluded}, reset after each source. */
    private static final class Repair {
        final int[] heap;
        final int[] pos;
        final byte[] state;
        final double[] old;
        final int[] touched;
        int nTouched;

        Repair(int n) {
            heap = new int[n];
            pos = new int[n];
            Arrays.fill(pos, -1);
            state = new byte[n];
            old = new double[n];
            touched = new int[n];
        }

        void touch(int v, double before) {
            if (state[v] != TOUCHED) {
                state[v] = TOUCHED;
                old[v] = before;
                touched[nTouched++] = v;
            }
        }
    }

    private static final byte UNKNOWN = 0;
    private static final byte AFFECTED = 1;
    private static final byte KEPT = 2;
    private static final byte TOUCHED = 3;

    /**
     * Repairs, in place, the distances {@code d} and predecessors {@code p} from source {@code s} computed
     * with {@code wasExcluded} for this instance's excluded nodes; returns the targets whose distance changed.
     */
    private BitSet repair(int s, double sizeMb, double[] d, int[] p, boolean[] wasExcluded, boolean[] gone, boolean anyGone,
            List<Integer> back, Repair r) {
        int n = nodes.size();
        if (excluded[s] || wasExcluded[s]) {
            double[] fresh = excluded[s] ? null : dijkstra(s, sizeMb, p);
            BitSet c = new BitSet(n);
            for (int v = 0; v < n; v++) {
                double now = fresh == null ? Double.POSITIVE_INFINITY : fresh[v];
                if (Double.compare(now, d[v]) != 0) {
                    c.set(v);
                }
                d[v] = now;
                if (fresh == null) {
                    p[v] = -1;
                }
            }
            return c.isEmpty() ? NONE : c;
        }
        // 1. a node whose recorded shortest path runs through a node now excluded loses its distance
        if (anyGone) {
            boolean through = false;
            for (int v = 0; v < n && !through; v++) {
                through = gone[v] && d[v] < Double.POSITIVE_INFINITY || p[v] >= 0 && gone[p[v]];
            }
            if (through) {
                byte[] st = r.state;
                int[] stack = r.heap;
                for (int v = 0; v < n; v++) {
                    if (gone[v]) {
                        st[v] = AFFECTED;
                    }
                }
                for (int v = 0; v < n; v++) {
                    int top = 0;
                    int u = v;
                    while (st[u] == UNKNOWN && p[u] >= 0) {
                        stack[top++] = u;
                        u = p[u];
                    }
                    byte verdict = st[u] == AFFECTED ? AFFECTED : KEPT;
                    st[u] = st[u] == UNKNOWN ? KEPT : st[u];
                    while (top > 0) {
                        st[stack[--top]] = verdict;
                    }
                }
                for (int v = 0; v < n; v++) {
                    if (st[v] == AFFECTED) {
                        st[v] = UNKNOWN;
                        r.touch(v, d[v]);
                        d[v] = Double.POSITIVE_INFINITY;
                        p[v] = -1;
                    } else {
                        st[v] = UNKNOWN;
                    }
                }
            }
        }
        for (int y : back) {
            r.touch(y, d[y]);
        }
        // 2. the nodes that lost their distance and the nodes that are back take the best offer of a neighbour
        int size = 0;
        int seeds = r.nTouched;
        for (int i = 0; i < seeds; i++) {
            int v = r.touched[i];
            if (excluded[v]) {
                continue;
            }
            for (int e = 0; e < adjacency[v].length; e++) {
                int u = adjacency[v][e];
                if (excluded[u] || d[u] == Double.POSITIVE_INFINITY) {
                    continue;
                }
                double nd = d[u] + linkDelayMs(adjacencyLinks[v][e], sizeMb);
                if (nd < d[v]) {
                    d[v] = nd;
                    p[v] = u;
                }
            }
            if (d[v] < Double.POSITIVE_INFINITY) {
                r.heap[size] = v;
                r.pos[v] = size++;
                siftUp(r.heap, r.pos, d, r.pos[v]);
            }
        }
        // 3. improvements spread as in Dijkstra's algorithm
        while (size > 0) {
            int u = r.heap[0];
            r.pos[u] = -1;
            size--;
            if (size > 0) {
                r.heap[0] = r.heap[size];
                r.pos[r.heap[0]] = 0;
                siftDown(r.heap, r.pos, d, 0, size);
            }
            for (int e = 0; e < adjacency[u].length; e++) {
                int v = adjacency[u][e];
                if (excluded[v]) {
                    continue;
                }
                double nd = d[u] + linkDelayMs(adjacencyLinks[u][e], sizeMb);
                if (nd < d[v]) {
                    r.touch(v, d[v]);
                    d[v] = nd;
                    p[v] = u;
                    if (r.pos[v] < 0) {
                        r.heap[size] = v;
                        r.pos[v] = size++;
                    }
                    siftUp(r.heap, r.pos, d, r.pos[v]);
                }
            }
        }
        BitSet c = null;
        for (int i = 0; i < r.nTouched; i++) {
            int v = r.touched[i];
            r.state[v] = UNKNOWN;
            if (Double.compare(r.old[v], d[v]) != 0) {
                if (c == null) {
                    c = new BitSet(n);
                }
                c.set(v);
            }
        }
        r.nTouched = 0;
        return c == null ? NONE : c;
    }

    private double[] dijkstra(int from, double sizeMb, int[] pred) {
        int n = nodes.size();
        double[] dist = new double[n];
        Arrays.fill(dist, Double.POSITIVE_INFINITY);
        Arrays.fill(pred, -1);
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
                    pred[v] = u;
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
