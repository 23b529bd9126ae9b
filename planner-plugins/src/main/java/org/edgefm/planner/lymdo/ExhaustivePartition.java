package org.edgefm.planner.lymdo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The reference selector: every combination of cut points ({@code Π_i (L_i + 1)} candidates), each
 * with its convex allocation, the cheapest kept (the first in odometer order among equal
 * objectives). For small cases only (papers.md 4.2: "Lyapunov + exhaustive partition search").
 *
 * <p>Branch and bound gives the same choice with fewer allocations: a UE's part of the slot
 * objective can only be larger in a joint allocation than when it has the whole uplink and edge to
 * itself, so the sum over UEs of these single-UE optima (one allocation per UE and cut) bounds every
 * vector's objective from below; vectors are allocated in increasing order of that bound until the
 * bound reaches the best objective found.
 */
public final class ExhaustivePartition implements PartitionSelector {
    /** The largest number of combinations searched per slot. */
    public static final long MAX_COMBINATIONS = 200_000;

    @Override
    public Allocation select(SlotProblem p, ConvexAllocator allocator) {
        long total = combinations(p);
        if (total > MAX_COMBINATIONS) {
            throw new IllegalArgumentException("exhaustive search over " + total + " partition combinations (expected: <= "
                    + MAX_COMBINATIONS + "; use the learned actor)");
        }
        return search(p, allocator);
    }

    private static Allocation search(SlotProblem p, ConvexAllocator allocator) {
        int n = p.size();
        double[][] alone = new double[n][];
        for (int i = 0; i < n; i++) {
            SlotProblem single = p.withUes(List.of(p.ues().get(i)));
            alone[i] = new double[p.ues().get(i).profile().cuts() + 1];
            for (int l = 0; l < alone[i].length; l++) {
                Allocation a = allocator.allocate(single, new int[] {l});
                alone[i][l] = a.feasible() ? a.objective() : Double.POSITIVE_INFINITY;
            }
        }
        List<int[]> vectors = new ArrayList<>();
        Odometer it = new Odometer(p);
        while (it.hasNext()) {
            vectors.add(it.next());
        }
        int count = vectors.size();
        double[] bound = new double[count];
        Integer[] order = new Integer[count];
        for (int k = 0; k < count; k++) {
            int[] c = vectors.get(k);
            double b = 0;
            for (int i = 0; i < n; i++) {
                b += alone[i][c[i]];
            }
            bound[k] = b;
            order[k] = k;
        }
        Arrays.sort(order, (x, y) -> Double.compare(bound[x], bound[y]));
        Allocation best = null;
        int bestIndex = -1;
        for (int k : order) {
            // numerical slack: the single-UE optima are found to ~1e-12 relative
            if (best != null && bound[k] * (1 - 1e-9) - 1e-12 > best.objective()) {
                break;
            }
            if (Double.isInfinite(bound[k])) {
                break;
            }
            Allocation a = allocator.allocate(p, vectors.get(k));
            if (a.feasible() && (best == null || a.objective() < best.objective()
                    || (a.objective() == best.objective() && k < bestIndex))) {
                best = a;
                bestIndex = k;
            }
        }
        return best != null ? best : allocator.allocate(p, vectors.get(0));
    }

    /** {@code Π_i (L_i + 1)}, saturating at {@link Long#MAX_VALUE}. */
    public static long combinations(SlotProblem p) {
        long total = 1;
        for (SlotProblem.Ue u : p.ues()) {
            total = Math.multiplyExact(total, u.profile().cuts() + 1L);
            if (total > Long.MAX_VALUE / 64) {
                return Long.MAX_VALUE;
            }
        }
        return total;
    }

    /** Enumerates cut vectors like an odometer: UE 0 turns fastest. */
    private static final class Odometer implements Iterator<int[]> {
        private final int[] max;
        private int[] next;

        Odometer(SlotProblem p) {
            max = p.ues().stream().mapToInt(u -> u.profile().cuts()).toArray();
            next = new int[max.length];
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public int[] next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            int[] out = next.clone();
            int i = 0;
            while (i < max.length && next[i] == max[i]) {
                next[i] = 0;
                i++;
            }
            if (i == max.length) {
                next = null;
            } else {
                next[i]++;
            }
            return out;
        }
    }
}
