package org.edgefm.sim.calibration;

import java.util.List;
import org.edgefm.api.Check;
import org.edgefm.api.InvalidFieldException;

/**
 * One stage of a logged {@link Task}, on the workload's clock (ms after its start).
 *
 * @param stage      the stage
 * @param node       the node that ran it
 * @param service    its service
 * @param queuedMs   when its input entered the node's worker pool (its start where the agent does not say)
 * @param startMs    start of service
 * @param endMs      end of service
 * @param hop        {@code ingress} (a leaf stage: from the submission), {@code local} or {@code remote}
 *                   (from its last parent on the same node or another one)
 * @param overheadMs the hop's time beyond the modelled link (the time to {@code queuedMs})
 */
public record StageRun(String stage, String node, String service, double queuedMs, double startMs, double endMs,
        String hop, double overheadMs) {
    /** Validates. */
    public StageRun {
        Check.id(stage, "stage");
        Check.nodeId(node, "node");
        Check.id(service, "service");
        if (!(endMs >= startMs) || !(startMs >= queuedMs)) {
            throw new InvalidFieldException("endMs", queuedMs + " <= " + startMs + " <= " + endMs
                    + " (expected: queued <= start <= end)");
        }
        if (!List.of("ingress", "local", "remote").contains(hop)) {
            throw new InvalidFieldException("hop", Check.quote(hop) + " (expected: ingress, local or remote)");
        }
    }

    /** The service time. */
    public double serviceMs() {
        return endMs - startMs;
    }

    /** The wait in the worker pool. */
    public double waitMs() {
        return startMs - queuedMs;
    }
}
