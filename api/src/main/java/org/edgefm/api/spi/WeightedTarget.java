package org.edgefm.api.spi;

import org.edgefm.api.Check;

/**
 * A node that serves a stage, with a positive weight: tasks are spread in proportion to weights.
 *
 * @param node   node id
 * @param weight relative share, {@code > 0}
 */
public record WeightedTarget(String node, double weight) {
    /**
     * Validates every field.
     *
     * @param node node id
     * @param weight relative share, {@code > 0}
     */
    public WeightedTarget {
        Check.id(node, "node");
        Check.positive(weight, "weight");
    }
}
