package org.edgefm.planner.lymdo;

/**
 * Chooses the cut points of one slot (papers.md 5.3 item 4): an exhaustive search (reference for
 * small cases), the learned DROO-style actor, or a fixed rule (baselines). Every implementation
 * returns the allocation of its chosen cuts, computed by the shared {@link ConvexAllocator}.
 */
public interface PartitionSelector {
    /** Chooses cuts for the slot and returns them with their allocation. */
    Allocation select(SlotProblem problem, ConvexAllocator allocator);

    /**
     * Among candidate cut vectors, the allocation with the lowest objective; when none is feasible,
     * the first candidate's allocation (which carries the reason).
     */
    static Allocation best(SlotProblem p, ConvexAllocator allocator, Iterable<int[]> candidates) {
        Allocation best = null;
        Allocation first = null;
        for (int[] c : candidates) {
            Allocation a = allocator.allocate(p, c);
            if (first == null) {
                first = a;
            }
            if (a.feasible() && (best == null || a.objective() < best.objective())) {
                best = a;
            }
        }
        return best != null ? best : first;
    }
}
