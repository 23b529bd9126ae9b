package org.edgefm.planner.twotier;

import java.util.List;
import org.edgefm.api.model.ServiceSpec;

/**
 * {@code light.service-floor = one} (a guard; paper 1 sizes each pair on its own): after the node resolution,
 * every light stage of a planned stream gets at least one instance of its service on one of the stage's
 * candidate nodes. The resolution ranks pairs by objective gain per unit of bottleneck resource, so a
 * service with little demand can lose every candidate to busier pairs; its streams are then admitted, run
 * their first stages and fail as unrouted at that stage (docs/simulator.md, "The 4× gap"). The instance is
 * reserved on the first candidate whose capacity can hold one, and the node's resolution runs again with
 * it first, so it takes room from the busier pairs there.
 */
final class ServiceFloor {
    private ServiceFloor() {
    }

    /** What the floor reads from and changes in the engine's node resolution. */
    interface Nodes {
        /** True when the node runs at least one instance of the service after the resolution. */
        boolean runs(int node, String service);

        /** True when one instance of the service fits the node's residual capacity (before the other pairs' share). */
        boolean fitsOneMore(int node, ServiceSpec service);

        /** Reserves one instance of the service on the node for this need. */
        void addOne(int node, Need need);
    }

    /**
     * A light stage of a stream that must be served.
     *
     * @param service    the stage's service
     * @param candidates the stage's candidate nodes, best first
     * @param rate       the stream's planned rate (tasks/ms): needs are met in decreasing rate
     * @param budgetMs   the stage's mean-value delay budget ({@code D − d^pr − d^su})
     */
    record Need(ServiceSpec service, int[] candidates, double rate, double budgetMs) {
    }

    /**
     * Meets the needs in decreasing rate: a need is met when a candidate already runs (or reserves) the service,
     * else one instance is reserved on its first candidate that can hold one.
     *
     * @return the number of instances added
     */
    static int apply(List<Need> needs, Nodes nodes) {
        List<Need> order = new java.util.ArrayList<>(needs);
        order.sort(java.util.Comparator.comparingDouble(Need::rate).reversed());
        int added = 0;
        for (Need n : order) {
            boolean served = false;
            for (int v : n.candidates()) {
                if (nodes.runs(v, n.service().id())) {
                    served = true;
                    break;
                }
            }
            if (served) {
                continue;
            }
            for (int v : n.candidates()) {
                if (nodes.fitsOneMore(v, n.service())) {
                    nodes.addOne(v, n);
                    added++;
                    break;
                }
            }
        }
        return added;
    }
}
