package org.edgefm.api.spi;

import org.edgefm.api.Check;

/**
 * {@code x^cr_{v,m}}: instances of core service {@code service} on node {@code node}.
 *
 * @param node      node id
 * @param service   core service id
 * @param instances number of instances, at least 1
 */
public record CoreAssignment(String node, String service, int instances) {
    /**
     * Validates every field.
     *
     * @param node node id
     * @param service core service id
     * @param instances number of instances, at least 1
     */
    public CoreAssignment {
        Check.id(node, "node");
        Check.id(service, "service");
        Check.positive(instances, "instances");
    }
}
