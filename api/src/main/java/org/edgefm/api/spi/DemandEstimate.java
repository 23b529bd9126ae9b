package org.edgefm.api.spi;

import org.edgefm.api.Check;

/**
 * An arrival rate of one (user, task type) stream: declared in the scenario for long-term planning,
 * or counted over the last slot by the host.
 *
 * @param user      user id
 * @param taskType  task type id
 * @param ratePerMs tasks per ms
 */
public record DemandEstimate(String user, String taskType, double ratePerMs) {
    /**
     * Validates every field.
     *
     * @param user user id
     * @param taskType task type id
     * @param ratePerMs tasks per ms
     */
    public DemandEstimate {
        Check.id(user, "user");
        Check.id(taskType, "taskType");
        Check.nonNegative(ratePerMs, "ratePerMs");
    }
}
