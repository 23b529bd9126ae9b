package org.edgefm.api.spi;

import java.util.List;
import org.edgefm.api.Check;

/**
 * Where one stage of one task type runs: a weighted list of nodes. A route with an {@code origin}
 * applies to tasks that entered the system at that node (this is how a partition point is
 * expressed: the first stages at the origin, the rest at an edge server); a route without one
 * applies to all other tasks.
 *
 * @param taskType task type id
 * @param stage    stage id within the task type
 * @param origin   the node where the task entered, or null for any
 * @param targets  the nodes serving the stage, at least one
 */
public record Route(String taskType, String stage, String origin, List<WeightedTarget> targets) {
    /**
     * Validates every field.
     *
     * @param taskType task type id
     * @param stage stage id within the task type
     * @param origin the node where the task entered, or null for any
     * @param targets the nodes serving the stage, at least one
     */
    public Route {
        Check.id(taskType, "taskType");
        Check.id(stage, "stage");
        if (origin != null) {
            Check.id(origin, "origin");
        }
        targets = Check.listOf(Check.notEmpty(targets, "targets"), "targets");
    }
}
