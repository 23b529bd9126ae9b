package org.edgefm.wire;

import org.edgefm.api.Check;

/**
 * A request from the host to one agent.
 *
 * @param schema      schema version
 * @param nodeId      the node
 * @param command     what to do
 * @param requestId   id for logs and deduplication
 * @param timestampMs wall clock, ms since the epoch
 */
public record Command(int schema, String nodeId, CommandKind command, String requestId, long timestampMs)
        implements NodeMessage {
    /** Validates every field. */
    public Command {
        Check.nodeId(nodeId, "nodeId");
        Check.notNull(command, "command");
        Check.notNull(requestId, "requestId");
        Check.nonNegative(timestampMs, "timestampMs");
    }

    @Override
    public MessageType type() {
        return MessageType.COMMAND;
    }
}
