package org.edgefm.api.spi;

import org.edgefm.api.Check;
import org.edgefm.api.model.ResourceVector;

/**
 * A node as the control loop sees it at the start of a slot.
 *
 * @param node           node id
 * @param online         false when the node is offline (death, lost session, stale telemetry)
 * @param residual       capacity left for light services after the core placement
 * @param telemetryAgeMs age of the newest telemetry in ms, or null when none has arrived
 * @param cpuLoad        measured CPU load in [0, 1], or null when not measured (simulation)
 */
public record NodeObservation(String node, boolean online, ResourceVector residual, Double telemetryAgeMs,
        Double cpuLoad) {
    /**
     * Validates every field.
     *
     * @param node node id
     * @param online false when the node is offline (death, lost session, stale telemetry)
     * @param residual capacity left for light services after the core placement
     * @param telemetryAgeMs age of the newest telemetry in ms, or null when none has arrived
     * @param cpuLoad measured CPU load in [0, 1], or null when not measured (simulation)
     */
    public NodeObservation {
        Check.id(node, "node");
        Check.notNull(residual, "residual");
    }
}
