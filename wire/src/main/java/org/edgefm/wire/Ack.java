package org.edgefm.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.edgefm.api.Check;
import org.edgefm.api.InvalidFieldException;

/**
 * An agent's answer to a directive, published after the new state was committed to disk.
 *
 * <p>An applied ack says what applying the directive did on the agent: the instances it started
 * (with each one's measured preload) and those it stopped. Both lists are optional on the wire
 * (omitted when empty; acks of older agents lack them and read as empty), and empty for a
 * rejected or stale directive and for a re-delivery of the version in force.
 *
 * @param schema       schema version
 * @param nodeId       the node
 * @param plannerEpoch the directive's planner epoch
 * @param version      the directive's version
 * @param outcome      applied, rejected or stale
 * @param error        why it was rejected; null unless rejected
 * @param timestampMs  wall clock, ms since the epoch
 * @param started      instances started by this directive, one entry per instance
 * @param stopped      instances stopped by this directive, one entry per instance
 */
public record Ack(int schema, String nodeId, long plannerEpoch, long version, AckOutcome outcome, String error,
        long timestampMs, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<InstanceStart> started,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<InstanceStop> stopped) implements NodeMessage {
    /** Validates every field; a rejection MUST say why. */
    public Ack {
        Check.nodeId(nodeId, "nodeId");
        Check.nonNegative(plannerEpoch, "plannerEpoch");
        Check.nonNegative(version, "version");
        Check.notNull(outcome, "outcome");
        if (outcome == AckOutcome.REJECTED && (error == null || error.isBlank())) {
            throw new InvalidFieldException("error", "missing (expected: a reason when outcome is rejected)");
        }
        Check.nonNegative(timestampMs, "timestampMs");
        started = Check.listOf(started, "started");
        stopped = Check.listOf(stopped, "stopped");
    }

    /** An ack that reports no started or stopped instances. */
    public Ack(int schema, String nodeId, long plannerEpoch, long version, AckOutcome outcome, String error,
            long timestampMs) {
        this(schema, nodeId, plannerEpoch, version, outcome, error, timestampMs, List.of(), List.of());
    }

    @Override
    public MessageType type() {
        return MessageType.ACK;
    }
}
