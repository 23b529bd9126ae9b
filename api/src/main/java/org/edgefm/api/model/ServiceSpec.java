package org.edgefm.api.model;

import org.edgefm.api.Check;
import org.edgefm.api.InvalidFieldException;

/**
 * A microservice {@code m} of the catalog (paper 1, Sec. II).
 *
 * @param id         unique service id
 * @param kind       core or light
 * @param demand     resource requirement vector {@code r_m} per instance
 * @param workloadMb computational workload {@code a_m} in MB
 * @param outputMb   output size {@code b_m} in MB (what travels to the next stage)
 * @param rate       processing rate {@code f_m} in MB/ms; a core service's rate MUST be deterministic
 * @param costs      deployment, maintenance and parallelism prices
 * @param switching  model transfer and preload profile (paper 2), or null when switching is free
 * @param kernel     how agents run it, or null when only simulated
 */
public record ServiceSpec(String id, ServiceKind kind, ResourceVector demand, double workloadMb, double outputMb,
        RateModel rate, ServiceCosts costs, SwitchingProfile switching, KernelSpec kernel) {
    /**
     * Validates every field.
     *
     * @param id unique service id
     * @param kind core or light
     * @param demand resource requirement vector {@code r_m} per instance
     * @param workloadMb computational workload {@code a_m} in MB
     * @param outputMb output size {@code b_m} in MB (what travels to the next stage)
     * @param rate processing rate {@code f_m} in MB/ms; a core service's rate MUST be deterministic
     * @param costs deployment, maintenance and parallelism prices
     * @param switching model transfer and preload profile (paper 2), or null when switching is free
     * @param kernel how agents run it, or null when only simulated
     */
    public ServiceSpec {
        Check.id(id, "id");
        Check.notNull(kind, "kind");
        Check.notNull(demand, "demand");
        Check.positive(workloadMb, "workloadMb");
        Check.nonNegative(outputMb, "outputMb");
        Check.notNull(rate, "rate");
        Check.notNull(costs, "costs");
        if (kind == ServiceKind.CORE && !(rate instanceof RateModel.Deterministic)) {
            throw new InvalidFieldException("rate", "a core service needs a deterministic rate (paper 1: core"
                    + " services run under strict isolation), got " + rate.getClass().getSimpleName().toLowerCase());
        }
    }

    /**
     * Mean processing time {@code a_m / E[f_m]} in ms at a node with the given speed factor.
     *
     * @param speedFactor the node's speed factor ({@link NodeSpec#speedFactor()}), or null for 1.0
     * @return mean processing time {@code a_m / E[f_m]} in ms at a node with the given speed factor
     */
    public double meanProcessingMs(double speedFactor) {
        return workloadMb / (rate.mean() * speedFactor);
    }
}
