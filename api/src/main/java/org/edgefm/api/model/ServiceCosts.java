package org.edgefm.api.model;

import org.edgefm.api.Check;

/**
 * Prices of a microservice (paper 1, eqs. 6 and 7): a one-time deployment price charged per new
 * instance, a maintenance price per instance and slot, and a parallelism price (light services;
 * how it multiplies is a planner setting, see {@code papers.md} 1.3).
 *
 * @param deploy      {@code c^dp}: per instance started
 * @param maintain    {@code c^mt}: per instance and slot
 * @param parallelism {@code c^pl}: per unit of parallelism (light services), 0 for core services
 */
public record ServiceCosts(double deploy, double maintain, double parallelism) {
    /** Paper 1, Table I: core services 20; 4; 0. */
    public static final ServiceCosts PAPER1_CORE = new ServiceCosts(20.0, 4.0, 0.0);
    /** Paper 1, Table I: light services 4; 1; 0.5. */
    public static final ServiceCosts PAPER1_LIGHT = new ServiceCosts(4.0, 1.0, 0.5);

    /** Validates every price. */
    public ServiceCosts {
        Check.nonNegative(deploy, "deploy");
        Check.nonNegative(maintain, "maintain");
        Check.nonNegative(parallelism, "parallelism");
    }
}
