package org.edgefm.api.spi;

import org.edgefm.api.Check;

/**
 * A node that serves a stage, with a positive weight: tasks are spread in proportion to weights.
 *
 * <p>The target {@link #REJECT} is admission control, not a node: on the route of a task type's entry
 * stage (a stage without parents) for one origin, its weight's share of the stream's new tasks is
 * refused at arrival and counted as rejected, apart from failures; a task is refused with the largest
 * reject share among its entry stages' routes, the others pick among the real targets. A fleet never
 * sends data to it; on any other stage it is ignored.
 *
 * @param node   node id, or {@link #REJECT}
 * @param weight relative share, {@code > 0}
 */
public record WeightedTarget(String node, double weight) {
    /** The reserved target of admission control (no node id can take this form: ids start with a letter or digit). */
    public static final String REJECT = "@reject";

    /**
     * Validates every field.
     *
     * @param node node id
     * @param weight relative share, {@code > 0}
     */
    public WeightedTarget {
        if (!REJECT.equals(node)) {
            Check.id(node, "node");
        }
        Check.positive(weight, "weight");
    }

    /**
     * The admission-control target with this weight.
     *
     * @param weight relative share of the tasks turned away, {@code > 0}
     * @return the target
     */
    public static WeightedTarget reject(double weight) {
        return new WeightedTarget(REJECT, weight);
    }

    /**
     * Whether this is the admission-control target.
     *
     * @return true for {@link #REJECT}
     */
    public boolean isReject() {
        return REJECT.equals(node);
    }
}
