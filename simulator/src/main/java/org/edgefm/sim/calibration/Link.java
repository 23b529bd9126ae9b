package org.edgefm.sim.calibration;

import org.edgefm.api.Check;

/**
 * A measured link: an entry of a {@link Calibration}'s {@code links}.
 *
 * @param a       one node
 * @param b       the other
 * @param rttMs   smoothed round-trip time (mean of both directions), or null
 * @param mbPerMs smoothed throughput of stage transfers, or null
 * @param samples measurements folded in
 */
public record Link(String a, String b, Double rttMs, Double mbPerMs, long samples) {
    /** Validates. */
    public Link {
        Check.nodeId(a, "a");
        Check.nodeId(b, "b");
        if (rttMs != null) {
            Check.nonNegative(rttMs, "rttMs");
        }
        if (mbPerMs != null) {
            Check.positive(mbPerMs, "mbPerMs");
        }
        Check.nonNegative(samples, "samples");
    }
}
