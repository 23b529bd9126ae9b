package org.edgefm.wire;

import org.edgefm.api.Check;

/**
 * The host's desired state for one node. Latest wins: an agent applies a directive only when its
 * {@code (plannerEpoch, version)} is newer than what it runs, and ignores one from an older planner
 * epoch.
 *
 * @param schema       schema version
 * @param nodeId       the node
 * @param plannerEpoch the host's planner epoch (increases on host restart and re-planning)
 * @param version      version of the desired state, increasing per node
 * @param issuedAtMs   wall clock at issue, ms since the epoch
 * @param desired      the full desired state
 */
public record Directive(int schema, String nodeId, long plannerEpoch, long version, long issuedAtMs,
        DesiredState desired) implements NodeMessage {
    /** Validates every field. */
    public Directive {
        Check.nodeId(nodeId, "nodeId");
        Check.nonNegative(plannerEpoch, "plannerEpoch");
        Check.positive(version, "version");
        Check.nonNegative(issuedAtMs, "issuedAtMs");
        Check.notNull(desired, "desired");
    }

    @Override
    public MessageType type() {
        return MessageType.DIRECTIVE;
    }
}
