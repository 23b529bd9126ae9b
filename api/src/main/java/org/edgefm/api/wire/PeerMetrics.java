package org.edgefm.api.wire;

import org.edgefm.api.Check;

/**
 * A measured data-plane link to a peer agent.
 *
 * @param peer              the peer's node id
 * @param rttMs             round-trip time in ms, or null when not yet measured
 * @param throughputMbPerMs throughput of recent transfers in MB/ms, or null
 */
public record PeerMetrics(String peer, Double rttMs, Double throughputMbPerMs) {
    /** Validates every field. */
    public PeerMetrics {
        Check.id(peer, "peer");
    }
}
