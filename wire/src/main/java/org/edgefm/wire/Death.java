package org.edgefm.wire;

import org.edgefm.api.Check;

/**
 * An agent's death: its MQTT Will (registered at connect with the session epoch), or published on a
 * clean stop. A death whose epoch is older than the node's current session MUST be ignored.
 *
 * @param schema       schema version
 * @param nodeId       the node
 * @param sessionEpoch the session that ended
 * @param timestampMs  wall clock when the Will was registered or the stop began, ms since the epoch
 * @param reason       {@code will}, {@code shutdown}, ... or null
 */
public record Death(int schema, String nodeId, long sessionEpoch, long timestampMs, String reason) implements NodeMessage {
    /** Validates every field. */
    public Death {
        Check.nodeId(nodeId, "nodeId");
        Check.nonNegative(sessionEpoch, "sessionEpoch");
        Check.nonNegative(timestampMs, "timestampMs");
    }

    @Override
    public MessageType type() {
        return MessageType.DEATH;
    }
}
