package org.edgefm.planner.twotier;

import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.ServiceSpec;

/**
 * Sizes one (node, light service) pair for one slot: for each instance count {@code x} the best
 * parallelism {@code y}, the slot objective value (lower is better) and the capacity it gives.
 * The {@link LightEngine} then resolves the node's resources across pairs greedily.
 */
public interface Sizer {
    /**
     * What a pair faces this slot.
     *
     * @param node         the node
     * @param service      the light service
     * @param lambda       attributed demand in tasks/ms
     * @param budgetMs     mean-value delay budget left for this stage ({@code D_n − d^pr − d^su}), worst stream
     * @param prevX        instances in the previous slot (scale-up cost of eq. (7))
     * @param queue        the pair's virtual queue H in tasks
     * @param slotMs       slot length
     * @param samples      measured per-task rates (MB/ms), possibly empty
     * @param samplesY     parallelism at which the samples were measured
     * @param maxX         most instances the node's residual capacity allows
     * @param holdX        instances kept from recent slots (release hysteresis): the ladder reaches at least this x
     */
    record Input(NodeSpec node, ServiceSpec service, double lambda, double budgetMs, int prevX, double queue, double slotMs,
            double[] samples, int samplesY, int maxX, int holdX) {
    }

    /**
     * Options by instance count: index x from 0 to {@code y.length − 1}.
     *
     * @param y         best parallelism per x (index 0 unused)
     * @param value     slot objective per x (value[0] is the x = 0 option)
     * @param capacity  admissible service rate per x in tasks/ms
     * @param atRisk    true where no parallelism passes the statistical deadline check
     * @param meanCapacity per x, the mean capacity {@code x·y^(1−α)/E[a/f]} of the chosen (x, y) in tasks/ms, the
     *                  base of {@code light.admission-light-utilization = rho}; NaN where the sizer does not know it
     */
    record Ladder(int[] y, double[] value, double[] capacity, boolean[] atRisk, double[] meanCapacity) {
        /** A ladder without mean capacities (every admission limit is the sizer's capacity). */
        public Ladder(int[] y, double[] value, double[] capacity, boolean[] atRisk) {
            this(y, value, capacity, atRisk, nan(capacity.length));
        }

        private static double[] nan(int n) {
            double[] a = new double[n];
            java.util.Arrays.fill(a, Double.NaN);
            return a;
        }

        /**
         * What the pair may admit at x instances: the sizer's capacity, or with {@code rho > 0} and a known mean
         * capacity, rho times that mean capacity ({@code light.admission-light-utilization}).
         */
        public double admissible(int x, double rho) {
            return rho > 0 && !Double.isNaN(meanCapacity[x]) ? rho * meanCapacity[x] : capacity[x];
        }
    }

    /** Builds the ladder of a pair. */
    Ladder ladder(Input in);

    /** Called once per slot with the final decision of every pair (virtual-queue updates). */
    default void commit(String node, String service, double arrivalsInSlot, double capacityPerMs, double slotMs) {
    }

    /**
     * Slots a surplus instance of {@code service} is kept after it was last wanted before it is
     * released (0 = at once, the default for sizers without release hysteresis).
     */
    default int releaseAfterSlots(ServiceSpec service) {
        return 0;
    }

    /** Tells the sizer a pair's measured per-task rates and the parallelism they ran at (once per slot). */
    default void observeRates(String node, String service, double[] samples, int parallelism) {
    }

    /** Tells the sizer the backlog an agent reported for a pair (sizers without queues ignore it). */
    default void observeBacklog(String node, String service, double queueLength) {
    }

    /** The virtual queue of a pair (0 for sizers without queues). */
    default double queue(String node, String service) {
        return 0;
    }

    /** Eq. (7) for one pair and slot: scale-up-only deployment, maintenance and parallelism prices. */
    static double cost(ServiceSpec s, int x, int y, int prevX, boolean parallelismTimesY) {
        return s.costs().lightSlot(x, y, prevX, true, parallelismTimesY);
    }
}
