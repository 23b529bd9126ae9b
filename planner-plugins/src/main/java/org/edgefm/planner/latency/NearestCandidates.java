package org.edgefm.planner.latency;

/**
 * The {@code k} candidates nearest to an origin by shortest delay ({@link NetworkPaths#nearest}): the
 * origin first when it is a candidate, then by delay, then by node index, selected with a max-heap of
 * {@code k} positions (no boxing), returned in the input's order.
 */
final class NearestCandidates {
    private NearestCandidates() {
    }

    /** The {@code k} nearest of {@code candidates} given the delays {@code d} from {@code origin}; {@code 0 < k < candidates.length}. */
    static int[] select(int origin, int[] candidates, int k, double[] d) {
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

    /** True when candidate position {@code a} ranks after {@code b} in the order. */
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
}
