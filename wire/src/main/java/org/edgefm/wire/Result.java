package org.edgefm.wire;

import java.util.List;
import org.edgefm.api.Check;

/**
 * A batch of task completions from the node that ran their sink stage.
 *
 * @param schema      schema version
 * @param nodeId      the node
 * @param timestampMs wall clock at publication, ms since the epoch
 * @param completions the completions, at least one
 */
public record Result(int schema, String nodeId, long timestampMs, List<TaskCompletion> completions) implements NodeMessage {
    /** Validates every field. */
    public Result {
        Check.nodeId(nodeId, "nodeId");
        Check.nonNegative(timestampMs, "timestampMs");
        completions = Check.listOf(Check.notEmpty(completions, "completions"), "completions");
    }

    @Override
    public MessageType type() {
        return MessageType.RESULT;
    }
}
