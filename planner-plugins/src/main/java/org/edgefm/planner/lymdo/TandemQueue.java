package org.edgefm.planner.lymdo;

/**
 * The serial queue of one UE's stream (papers.md 4.2 [I]): local compute, then the uplink, then
 * edge compute. Two readings of the same model are provided: the steady-state end-to-end delay the
 * per-slot optimisation uses (each stage an M/M/1 queue; a tandem of them is a Jackson network, so
 * the mean sojourn times add), and the slotted backlog update of papers.md 4.2 that a simulation
 * steps through, whose time-average backlog over the arrival rate is the delay by Little's law.
 */
public final class TandemQueue {
    private TandemQueue() {
    }

    /**
     * Mean sojourn time of one M/M/1 stage in ms: {@code 1 / (μ − λ)} with {@code μ = share / c},
     * i.e. {@code c / (share − λ c)}; 0 when the stage has no work ({@code c = 0}); infinite when the
     * stage is overloaded ({@code λ c >= share}).
     *
     * @param workMs    {@code c}: ms per task at the full resource
     * @param share     the fraction of the resource given to the stream, in (0, 1]
     * @param ratePerMs {@code λ}: arrivals per ms
     */
    public static double stageDelayMs(double workMs, double share, double ratePerMs) {
        if (workMs <= 0) {
            return 0;
        }
        double slack = share - ratePerMs * workMs;
        return slack <= 0 ? Double.POSITIVE_INFINITY : workMs / slack;
    }

    /** End-to-end delay: local, uplink and edge sojourn times added (paper 3's serial model). */
    public static double endToEndMs(double localMs, double uplinkMs, double edgeMs) {
        return localMs + uplinkMs + edgeMs;
    }

    /**
     * The backlog of the three queues in tasks, advanced slot by slot (papers.md 4.2):
     * {@code Q^L(t+1) = max(Q^L − μ^L Δt, 0) + A(t)}, and each later queue receives the departures
     * of the one before it.
     *
     * @param local  tasks waiting at or in local compute
     * @param uplink tasks waiting for or in transmission
     * @param edge   tasks waiting at or in edge compute
     */
    public record Backlog(double local, double uplink, double edge) {
        /** The empty system. */
        public static final Backlog EMPTY = new Backlog(0, 0, 0);

        /** Total tasks in the system. */
        public double total() {
            return local + uplink + edge;
        }

        /**
         * One slot: each stage serves up to {@code μ·Δt} tasks ({@code μ} in tasks per ms, infinite
         * for a stage without work) and passes them on; {@code arrivals} tasks enter at the end of
         * the slot.
         */
        public Backlog advance(double arrivals, double muLocal, double muUplink, double muEdge, double slotMs) {
            double outL = Math.min(local, muLocal * slotMs);
            double outT = Math.min(uplink + outL, muUplink * slotMs);
            double outE = Math.min(edge + outT, muEdge * slotMs);
            return new Backlog(local - outL + arrivals, uplink + outL - outT, edge + outT - outE);
        }
    }
}
