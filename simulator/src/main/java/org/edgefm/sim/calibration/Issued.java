package org.edgefm.sim.calibration;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import org.edgefm.api.Check;
import org.edgefm.api.InvalidFieldException;
import org.edgefm.wire.DesiredState;
import org.edgefm.wire.Directive;
import org.edgefm.wire.WireCodec;

/**
 * One directive as the trial's host published it: an entry of a {@link Calibration}'s {@code directives},
 * which a directives replay applies.
 *
 * @param atMs         when it was published, ms after the workload's start (negative: before it, while the
 *                     fleet was brought up)
 * @param node         the node it went to
 * @param plannerEpoch its planner epoch
 * @param version      its version
 * @param desired      the desired state (services, instances, parallelism, routes; no peer endpoints)
 */
public record Issued(double atMs, String node, long plannerEpoch, long version,
        @JsonDeserialize(using = WireState.class) DesiredState desired) {
    /** Validates. */
    public Issued {
        if (Double.isNaN(atMs) || Double.isInfinite(atMs)) {
            throw new InvalidFieldException("atMs", atMs + " (expected: finite)");
        }
        Check.nodeId(node, "node");
        Check.nonNegative(plannerEpoch, "plannerEpoch");
        Check.positive(version, "version");
        Check.notNull(desired, "desired");
    }

    /** The directive to hand a fleet. */
    public Directive directive() {
        return new Directive(WireCodec.SCHEMA, node, plannerEpoch, version, 0, desired);
    }
}
