package org.edgefm.api.spi;

import org.edgefm.api.Check;

/**
 * {@code x^lt_{v,m,t}} and {@code y_{v,m,t}}: instances and parallelism of a light service at a node,
 * optionally with a share of the node's compute (LyMDO-style allocation).
 *
 * @param node         node id
 * @param service      service id
 * @param instances    instances, 0 to stop the service there
 * @param parallelism  tasks one instance serves at once, at least 1
 * @param computeShare fraction of the node's compute given to this service in (0, 1], or null for
 *                     no explicit share
 */
public record ServiceAllocation(String node, String service, int instances, int parallelism, Double computeShare) {
    /**
     * Validates every field.
     *
     * @param node node id
     * @param service service id
     * @param instances instances, 0 to stop the service there
     * @param parallelism tasks one instance serves at once, at least 1
     * @param computeShare fraction of the node's compute given to this service in (0, 1], or null for no explicit share
     */
    public ServiceAllocation {
        Check.id(node, "node");
        Check.id(service, "service");
        Check.nonNegative(instances, "instances");
        Check.positive(parallelism, "parallelism");
        if (computeShare != null) {
            Check.inRange(computeShare, Double.MIN_VALUE, 1.0, "computeShare");
        }
    }

    /**
     * An allocation without an explicit compute share.
     *
     * @param node the node id
     * @param service the service id
     * @param instances instances, 0 to stop the service there
     * @param parallelism tasks one instance serves at once, at least 1
     */
    public ServiceAllocation(String node, String service, int instances, int parallelism) {
        this(node, service, instances, parallelism, null);
    }
}
