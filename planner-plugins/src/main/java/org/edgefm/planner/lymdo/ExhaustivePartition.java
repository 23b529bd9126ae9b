package org.edgefm.planner.lymdo;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The reference selector: every combination of cut points ({@code Π_i (L_i + 1)} candidates), each
 * with its convex allocation, the cheapest kept. For small cases only (papers.md 4.2: "Lyapunov +
 * exhaustive partition search").
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
        return PartitionSelector.best(p, allocator, () -> new Odometer(p));
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
