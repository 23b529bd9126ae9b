package org.edgefm.wire;

import org.edgefm.api.Check;
import org.edgefm.api.InvalidFieldException;

/**
 * When and where one stage of a task ran.
 *
 * @param stage   stage id
 * @param node    node that ran it
 * @param startMs start of service, ms since the epoch
 * @param endMs   end of service, ms since the epoch
 */
public record StageTiming(String stage, String node, long startMs, long endMs) {
    /** Validates every field. */
    public StageTiming {
        Check.id(stage, "stage");
        Check.id(node, "node");
        Check.nonNegative(startMs, "startMs");
        if (endMs < startMs) {
            throw new InvalidFieldException("endMs", endMs + " (expected: >= startMs " + startMs + ")");
        }
    }
}
