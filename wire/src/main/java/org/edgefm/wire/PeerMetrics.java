package org.edgefm.wire;

import org.edgefm.api.Check;

/**
 * A measured data-plane link to a peer agent, as the agent smooths it from real stage transfers
 * and from small probes. Every figure but {@code peer} is optional, so telemetry written before
 * {@code samples} and {@code ageMs} existed still decodes.
 *
 * @param peer              the peer's node id
 * @param rttMs             smoothed round-trip time in ms, or null when not yet measured
 * @param throughputMbPerMs smoothed throughput of transfers to the peer in MB/ms (1 MB/ms = 8 Gbit/s),
 *                          or null when not yet measured
 * @param samples           measurements folded into these figures since the agent started, or null;
 *                          a receiver uses a growing count to tell a new measurement from a repeat
 * @param ageMs             ms since the newest measurement when the telemetry was written, or null
 */
public record PeerMetrics(String peer, Double rttMs, Double throughputMbPerMs, Long samples, Long ageMs) {
    /** Validates every field. */
    public PeerMetrics {
        Check.id(peer, "peer");
        if (rttMs != null) {
            Check.nonNegative(rttMs, "rttMs");
        }
        if (throughputMbPerMs != null) {
            Check.nonNegative(throughputMbPerMs, "throughputMbPerMs");
        }
        if (samples != null) {
            Check.nonNegative(samples, "samples");
        }
        if (ageMs != null) {
            Check.nonNegative(ageMs, "ageMs");
        }
    }
}
