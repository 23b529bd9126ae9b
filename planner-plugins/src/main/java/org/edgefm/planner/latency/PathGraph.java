package org.edgefm.planner.latency;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.edgefm.api.model.Latency;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.Topology;

/**
 * The network as {@link NetworkPaths} searches it: node indices, adjacency lists with the link of each
 * edge, the link weight of eq. (2) and the connected components left when some nodes are excluded.
 * Immutable once built (the per-size edge delays are computed once and then only read), so instances of
 * {@link NetworkPaths} for other excluded sets, and threads, share it.
 */
final class PathGraph {
    final List<NodeSpec> nodes;
    private final Map<String, Integer> index = new HashMap<>();
    /** Per node: its neighbours' indices. */
    final int[][] adjacency;
    /** Per node: the link to each neighbour, parallel to {@link #adjacency}. */
    final LinkSpec[][] adjacencyLinks;
    final double kmPerMs;
    /** Per payload size: each edge's delay, parallel to {@link #adjacency} (computed once per size, never modified). */
    private final Map<Double, double[][]> weights = new ConcurrentHashMap<>();

    PathGraph(Topology topology, double kmPerMs) {
        this.nodes = topology.nodes();
        this.kmPerMs = kmPerMs;
        for (int i = 0; i < nodes.size(); i++) {
            index.put(nodes.get(i).id(), i);
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

    int size() {
        return nodes.size();
    }

    /** The index of a node id, or -1. */
    int indexOf(String node) {
        Integer i = index.get(node);
        return i == null ? -1 : i;
    }

    /** A mask of the given node ids (ids not in the network are ignored). */
    boolean[] mask(Set<String> ids) {
        boolean[] m = new boolean[nodes.size()];
        for (String id : ids) {
            Integer i = index.get(id);
            if (i != null) {
                m[i] = true;
            }
        }
        return m;
    }

    /** One link's delay for {@code sizeMb}: eq. (2), transfer {@code b/w} plus propagation {@code W/l} (+ extra). */
    double linkDelayMs(LinkSpec link, double sizeMb) {
        return Latency.linkDelayMs(link, sizeMb, kmPerMs);
    }

    /**
     * Every edge's delay for {@code sizeMb} ({@link #linkDelayMs}), parallel to {@link #adjacency}: computed once
     * per size, so a search adds a number per edge instead of evaluating eq. (2) (read only; shared by threads).
     */
    double[][] weights(double sizeMb) {
        return weights.computeIfAbsent(sizeMb, size -> {
            double[][] w = new double[adjacency.length][];
            for (int u = 0; u < adjacency.length; u++) {
                w[u] = new double[adjacency[u].length];
                for (int e = 0; e < w[u].length; e++) {
                    w[u][e] = linkDelayMs(adjacencyLinks[u][e], size);
                }
            }
            return w;
        });
    }

    /** Per node, a representative of its connected component over nodes not excluded; -1 for excluded nodes. */
    int[] components(boolean[] excluded) {
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
}
