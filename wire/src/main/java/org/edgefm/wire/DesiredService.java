package org.edgefm.wire;

import org.edgefm.api.Check;
import org.edgefm.api.model.KernelSpec;
import org.edgefm.api.model.ServiceKind;

/**
 * One service a node must run.
 *
 * @param service      service id
 * @param kind         core or light
 * @param instances    instances, at least 1
 * @param parallelism  tasks one instance serves at once (1 for core services)
 * @param computeShare share of the node's compute, or null
 * @param workloadMb   the catalog's workload {@code a_m}, for rate measurement
 * @param kernel       the kernel to run, or null for a service the agent only simulates
 */
public record DesiredService(String service, ServiceKind kind, int instances, int parallelism, Double computeShare,
        double workloadMb, KernelSpec kernel) {
    /** Validates every field. */
    public DesiredService {
        Check.id(service, "service");
        Check.notNull(kind, "kind");
        Check.positive(instances, "instances");
        Check.positive(parallelism, "parallelism");
        if (computeShare != null) {
            Check.inRange(computeShare, Double.MIN_VALUE, 1.0, "computeShare");
        }
        Check.positive(workloadMb, "workloadMb");
    }
}
