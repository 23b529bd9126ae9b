package org.edgefm.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.edgefm.api.Check;
import org.edgefm.api.InvalidFieldException;

/**
 * When and where one stage of a task ran.
 *
 * @param stage      stage id
 * @param node       node that ran it
 * @param startMs    start of service, ms since the epoch
 * @param endMs      end of service, ms since the epoch
 * @param queuedAtMs when the stage's input (the last of its parents') entered the service's queue on
 *                   the node, ms since the epoch, or null where not measured (older agents, the
 *                   simulator); {@code startMs - queuedAtMs} is the wait in the node's worker pool
 */
public record StageTiming(String stage, String node, long startMs, long endMs,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long queuedAtMs) {
    /** Validates every field. */
    public StageTiming {
        Check.id(stage, "stage");
        Check.id(node, "node");
        Check.nonNegative(startMs, "startMs");
        if (endMs < startMs) {
            throw new InvalidFieldException("endMs", endMs + " (expected: >= startMs " + startMs + ")");
        }
        if (queuedAtMs != null && (queuedAtMs < 0 || queuedAtMs > startMs)) {
            throw new InvalidFieldException("queuedAtMs", queuedAtMs + " (expected: 0 to startMs " + startMs + ")");
        }
    }

    /** A timing without the queueing time. */
    public StageTiming(String stage, String node, long startMs, long endMs) {
        this(stage, node, startMs, endMs, null);
    }
}
