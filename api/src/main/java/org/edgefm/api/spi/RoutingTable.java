package org.edgefm.api.spi;

import java.util.List;
import org.edgefm.api.Check;

/**
 * Routes for every stage of every task type. Lookup prefers a route for the task's origin and falls
 * back to the route without origin.
 *
 * @param routes the routes; at most one per (task type, stage, origin)
 */
public record RoutingTable(List<Route> routes) {
    /** A table without routes. */
    public static final RoutingTable EMPTY = new RoutingTable(List.of());

    /**
     * Copies the routes.
     *
     * @param routes the routes; at most one per (task type, stage, origin)
     */
    public RoutingTable {
        routes = Check.listOf(routes, "routes");
    }

    /**
     * The targets of a stage for a task that entered at {@code origin}; empty when unrouted.
     *
     * @param taskType the task type id
     * @param stage the stage id
     * @param origin the stream's origin node, or null
     * @return the targets of a stage for a task that entered at {@code origin}; empty when unrouted
     */
    public List<WeightedTarget> targets(String taskType, String stage, String origin) {
        List<WeightedTarget> fallback = List.of();
        for (Route r : routes) {
            if (r.taskType().equals(taskType) && r.stage().equals(stage)) {
                if (r.origin() == null) {
                    fallback = r.targets();
                } else if (r.origin().equals(origin)) {
                    return r.targets();
                }
            }
        }
        return fallback;
    }
}
