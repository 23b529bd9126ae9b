package org.edgefm.api.model;

import org.edgefm.api.Check;

/**
 * One stream of the workload: user {@code user} generates tasks of type {@code taskType}.
 *
 * @param user     user id
 * @param taskType task type id
 * @param arrivals the arrival process
 */
public record Demand(String user, String taskType, ArrivalProcess arrivals) {
    /**
     * Validates every field.
     *
     * @param user user id
     * @param taskType task type id
     * @param arrivals the arrival process
     */
    public Demand {
        Check.id(user, "user");
        Check.id(taskType, "taskType");
        Check.notNull(arrivals, "arrivals");
    }
}
