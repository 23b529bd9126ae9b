package org.edgefm.sim.calibration;

import org.edgefm.api.Check;

/**
 * One (node, service) that served stages, with its measured times: an entry of a {@link Calibration}'s
 * {@code stations}.
 *
 * @param node              the node
 * @param service           the service
 * @param serviceMs         service times of the stages it ran (stage start to end)
 * @param queueMs           waits in the agent's worker pool (queued to start), where the agent reports them
 * @param calibratedMbPerMs the agent's kernel calibration for the service's kernel kind, or null
 */
public record Station(String node, String service, Dist serviceMs, Dist queueMs, Double calibratedMbPerMs) {
    /** Validates. */
    public Station {
        Check.nodeId(node, "node");
        Check.id(service, "service");
        Check.notNull(serviceMs, "serviceMs");
        queueMs = queueMs == null ? Dist.EMPTY : queueMs;
        if (calibratedMbPerMs != null) {
            Check.nonNegative(calibratedMbPerMs, "calibratedMbPerMs");
        }
    }
}
