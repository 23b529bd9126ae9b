package org.edgefm.control;

import org.edgefm.api.Check;

/**
 * One node's liveness and applied state in a {@link FleetSnapshot}.
 *
 * @param node           node id
 * @param online         true while the node's session is alive (and, in the field, its telemetry fresh)
 * @param sessionEpoch   the node's current session epoch (0 in simulation)
 * @param appliedEpoch   planner epoch of the desired state the node reports running (0 = none)
 * @param appliedVersion version of the desired state the node reports running (0 = none)
 * @param telemetryAgeMs age of the newest telemetry in ms, or null when none (simulation: 0)
 * @param cpuLoad        measured CPU load in [0, 1], or null when not measured
 */
public record NodeStatus(String node, boolean online, long sessionEpoch, long appliedEpoch, long appliedVersion,
        Double telemetryAgeMs, Double cpuLoad) {
    /** Validates every field. */
    public NodeStatus {
        Check.id(node, "node");
        Check.nonNegative(sessionEpoch, "sessionEpoch");
        Check.nonNegative(appliedEpoch, "appliedEpoch");
        Check.nonNegative(appliedVersion, "appliedVersion");
    }
}
