package org.edgefm.planner.latency;

import java.util.Arrays;

/**
 * Dijkstra's algorithm over a {@link PathGraph} for one payload size, and the indexed binary heap
 * (decrease-key, no boxing) it and {@link DistanceRepair} share. Each link costs eq. (2); a path costs
 * the sum over its links.
 */
final class ShortestPaths {
    private ShortestPaths() {
    }

    /**
     * The shortest delays from {@code from} to every node for {@code sizeMb}, over nodes not
     * {@code excluded}; fills {@code pred} with each node's predecessor on one shortest path (-1: none).
     */
    static double[] dijkstra(PathGraph g, boolean[] excluded, int from, double sizeMb, int[] pred) {
        int n = g.size();
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
        double[][] w = g.weights(sizeMb);
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
            int[] adj = g.adjacency[u];
            double[] wu = w[u];
            double du = dist[u];
            for (int e = 0; e < adj.length; e++) {
                int v = adj[e];
                if (excluded[v] || done[v]) {
                    continue;
                }
                double nd = du + wu[e];
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

    static void siftUp(int[] heap, int[] pos, double[] key, int i) {
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

    static void siftDown(int[] heap, int[] pos, double[] key, int i, int size) {
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
