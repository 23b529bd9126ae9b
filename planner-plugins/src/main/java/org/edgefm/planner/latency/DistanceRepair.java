package org.edgefm.planner.latency;

import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Repairs one source's shortest delays when the set of excluded nodes changes, instead of recomputing
 * them ({@link NetworkPaths#withExcluded}), on a copy where anything changes (the row it is given is shared:
 * {@link PathStore}): the nodes whose shortest path ran through a node now excluded lose their distance,
 * they and the nodes that are back take the best offer of a neighbour, and improvements spread as in
 * Dijkstra's algorithm. Holds the scratch arrays of one
 * {@code withExcluded}, reset after each source; not thread-safe.
 */
final class DistanceRepair {
    /** The shared "nothing changed" answer. */
    static final BitSet NONE = new BitSet(0);

    private static final byte UNKNOWN = 0;
    private static final byte AFFECTED = 1;
    private static final byte KEPT = 2;
    private static final byte TOUCHED = 3;

    private final int[] heap;
    private final int[] pos;
    private final byte[] state;
    private final double[] old;
    private final int[] touched;
    private int nTouched;

    DistanceRepair(int n) {
        heap = new int[n];
        pos = new int[n];
        Arrays.fill(pos, -1);
        state = new byte[n];
        old = new double[n];
        touched = new int[n];
    }

    private void touch(int v, double before) {
        if (state[v] != TOUCHED) {
            state[v] = TOUCHED;
            old[v] = before;
            touched[nTouched++] = v;
        }
    }

    /** A repaired row and the targets whose distance changed ({@link #NONE}: none, and the row is the one given). */
    record Repaired(PathStore.Row row, BitSet changed) {
    }

    /**
     * Repairs the distances and predecessors {@code row} from source {@code s} computed with {@code wasExcluded}
     * for the nodes now {@code excluded}. The row is never written (other instances and threads may read it):
     * where anything changes, a copy is repaired and returned; where nothing does, the row itself.
     *
     * @param gone    nodes excluded now that were not before
     * @param anyGone whether {@code gone} has any node
     * @param back    nodes excluded before that are not now
     */
    Repaired repair(PathGraph g, boolean[] excluded, int s, double sizeMb, PathStore.Row row, boolean[] wasExcluded,
            boolean[] gone, boolean anyGone, List<Integer> back) {
        double[] d = row.dist();
        int[] p = row.pred();
        int n = g.size();
        int[][] adjacency = g.adjacency;
        if (excluded[s] || wasExcluded[s]) {
            int[] fp = new int[n];
            double[] fresh;
            if (excluded[s]) {
                fresh = new double[n];
                Arrays.fill(fresh, Double.POSITIVE_INFINITY);
                Arrays.fill(fp, -1);
            } else {
                fresh = ShortestPaths.dijkstra(g, excluded, s, sizeMb, fp);
            }
            BitSet c = new BitSet(n);
            for (int v = 0; v < n; v++) {
                if (Double.compare(fresh[v], d[v]) != 0) {
                    c.set(v);
                }
            }
            return new Repaired(new PathStore.Row(fresh, fp), c.isEmpty() ? NONE : c);
        }
        double[][] w = g.weights(sizeMb);
        // 1. a node whose recorded shortest path runs through a node now excluded loses its distance
        if (anyGone) {
            boolean through = false;
            for (int v = 0; v < n && !through; v++) {
                through = gone[v] && d[v] < Double.POSITIVE_INFINITY || p[v] >= 0 && gone[p[v]];
            }
            if (through) {
                // copy on repair: the row given is shared
                d = d.clone();
                p = p.clone();
                byte[] st = state;
                int[] stack = heap;
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
                        touch(v, d[v]);
                        d[v] = Double.POSITIVE_INFINITY;
                        p[v] = -1;
                    } else {
                        st[v] = UNKNOWN;
                    }
                }
            }
        }
        if (!back.isEmpty() && d == row.dist()) {
            d = d.clone();
            p = p.clone();
        }
        for (int y : back) {
            touch(y, d[y]);
        }
        // 2. the nodes that lost their distance and the nodes that are back take the best offer of a neighbour
        int size = 0;
        int seeds = nTouched;
        for (int i = 0; i < seeds; i++) {
            int v = touched[i];
            if (excluded[v]) {
                continue;
            }
            for (int e = 0; e < adjacency[v].length; e++) {
                int u = adjacency[v][e];
                if (excluded[u] || d[u] == Double.POSITIVE_INFINITY) {
                    continue;
                }
                double nd = d[u] + w[v][e];
                if (nd < d[v]) {
                    d[v] = nd;
                    p[v] = u;
                }
            }
            if (d[v] < Double.POSITIVE_INFINITY) {
                heap[size] = v;
                pos[v] = size++;
                ShortestPaths.siftUp(heap, pos, d, pos[v]);
            }
        }
        // 3. improvements spread as in Dijkstra's algorithm
        while (size > 0) {
            int u = heap[0];
            pos[u] = -1;
            size--;
            if (size > 0) {
                heap[0] = heap[size];
                pos[heap[0]] = 0;
                ShortestPaths.siftDown(heap, pos, d, 0, size);
            }
            for (int e = 0; e < adjacency[u].length; e++) {
                int v = adjacency[u][e];
                if (excluded[v]) {
                    continue;
                }
                double nd = d[u] + w[u][e];
                if (nd < d[v]) {
                    touch(v, d[v]);
                    d[v] = nd;
                    p[v] = u;
                    if (pos[v] < 0) {
                        heap[size] = v;
                        pos[v] = size++;
                    }
                    ShortestPaths.siftUp(heap, pos, d, pos[v]);
                }
            }
        }
        BitSet c = null;
        for (int i = 0; i < nTouched; i++) {
            int v = touched[i];
            state[v] = UNKNOWN;
            if (Double.compare(old[v], d[v]) != 0) {
                if (c == null) {
                    c = new BitSet(n);
                }
                c.set(v);
            }
        }
        nTouched = 0;
        if (d == row.dist()) {
            return new Repaired(row, NONE);
        }
        return new Repaired(new PathStore.Row(d, p), c == null ? NONE : c);
    }
}
