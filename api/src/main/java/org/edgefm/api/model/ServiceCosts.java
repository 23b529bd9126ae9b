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

    /**
     * Validates every price.
     *
     * @param deploy {@code c^dp}: per instance started
     * @param maintain {@code c^mt}: per instance and slot
     * @param parallelism {@code c^pl}: per unit of parallelism (light services), 0 for core services
     */
    public ServiceCosts {
        Check.nonNegative(deploy, "deploy");
        Check.nonNegative(maintain, "maintain");
        Check.nonNegative(parallelism, "parallelism");
    }

    /**
     * The deployment part of eqs. (6) and (7): {@code c^dp · max(0, x − prevX)}, charged on scale-up
     * only (stopping instances is free).
     *
     * @param x     instances now
     * @param prevX instances before
     * @return the price, in the scenario's price units
     */
    public double deployment(int x, int prevX) {
        return deploy * Math.max(0, x - prevX);
    }

    /**
     * The running price of one (node, service) pair for one slot: for a core service {@code c^mt · x}
     * (eq. 6); for a light service {@code c^mt · x + c^pl · x · y} (eq. 7 as {@code papers.md} 1.3
     * reads it, [I]) or, with {@code parallelismTimesY} false, {@code c^mt · x + c^pl · x} (eq. 7 as
     * typeset). Every planner, the simulator, the bounds and the trial charge through this method.
     *
     * @param kind              core or light
     * @param x                 instances in force
     * @param y                 parallelism per instance (ignored for core services)
     * @param parallelismTimesY the form of the parallelism price
     * @return the price, in the scenario's price units
     */
    public double running(ServiceKind kind, int x, int y, boolean parallelismTimesY) {
        if (kind == ServiceKind.CORE) {
            return maintain * x;
        }
        return maintain * x + parallelism * x * (parallelismTimesY ? y : 1);
    }

    /**
     * Eq. (6) for one core (node, service) pair and one slot: deployment of the new instances plus
     * maintenance of those in force.
     *
     * @param x instances in force this slot
     * @param prevX instances in the previous slot
     * @return the price, in the scenario's price units
     */
    public double coreSlot(int x, int prevX) {
        return deployment(x, prevX) + running(ServiceKind.CORE, x, 1, false);
    }

    /**
     * Eq. (7) for one light (node, service) pair and one slot.
     *
     * @param chargeDeploy      false in slot {@code t = 0}, which eq. (7)'s instantiation sum skips
     * @param parallelismTimesY see {@link #running}
     * @param x instances in force this slot
     * @param y parallelism per instance
     * @param prevX instances in the previous slot
     * @return the price, in the scenario's price units
     */
    public double lightSlot(int x, int y, int prevX, boolean chargeDeploy, boolean parallelismTimesY) {
        // the same sum as running(), written out so that every caller adds in one order
        return (chargeDeploy ? deployment(x, prevX) : 0) + maintain * x + parallelism * x * (parallelismTimesY ? y : 1);
    }
}
