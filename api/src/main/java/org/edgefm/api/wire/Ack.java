package org.edgefm.api.wire;

import org.edgefm.api.Check;
import org.edgefm.api.InvalidFieldException;

/**
 * An agent's answer to a directive, published after the new state was committed to disk.
 *
 * @param schema       schema version
 * @param nodeId       the node
 * @param plannerEpoch the directive's planner epoch
 * @param version      the directive's version
 * @param outcome      applied, rejected or stale
 * @param error        why it was rejected; null unless rejected
 * @param timestampMs  wall clock, ms since the epoch
 */
public record Ack(int schema, String nodeId, long plannerEpoch, long version, AckOutcome outcome, String error,
        long timestampMs) implements NodeMessage {
    /** Validates every field; a rejection MUST say why. */
    public Ack {
        Check.id(nodeId, "nodeId");
        Check.nonNegative(plannerEpoch, "plannerEpoch");
        Check.nonNegative(version, "version");
        Check.notNull(outcome, "outcome");
        if (outcome == AckOutcome.REJECTED && (error == null || error.isBlank())) {
            throw new InvalidFieldException("error", "missing (expected: a reason when outcome is rejected)");
        }
        Check.nonNegative(timestampMs, "timestampMs");
    }

    @Override
    public MessageType type() {
        return MessageType.ACK;
    }
}
