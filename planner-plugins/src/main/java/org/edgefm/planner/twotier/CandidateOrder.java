package org.edgefm.planner.twotier;

import java.util.Map;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.planner.latency.NetworkPaths;

/**
 * Which nodes may run a light stage and how the {@link LightEngine} orders one stage's candidates
 * before it keeps the best {@code ec-lyapunov.candidates}. {@link #BY_MEAN_LATENCY} is paper 1's
 * network awareness; the baselines bring their own orders.
 */
public interface CandidateOrder {
    /** By mean end-to-end latency through the node, as the mean-value analysis ranks them. */
    CandidateOrder BY_MEAN_LATENCY = (byLatency, nodeOf, origin, residual, paths) -> byLatency;

    /**
     * Orders one light stage's candidates.
     *
     * @param byLatency positions in the analysis, best mean latency first (must not be modified)
     * @param nodeOf    the node index of each position
     * @param origin    the stream's origin node index
     * @param residual  residual capacity of every usable node
     * @param paths     the network analysis (node ids by index)
     * @return the positions in the order to try them
     */
    int[] order(int[] byLatency, int[] nodeOf, int origin, Map<String, ResourceVector> residual, NetworkPaths paths);

    /** True when only nodes of kind cloud run light stages (the origin only where it is a cloud node). */
    default boolean cloudOnly() {
        return false;
    }
}
