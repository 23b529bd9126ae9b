package org.edgefm.api.model;

import org.edgefm.api.Check;

/**
 * An undirected link between two nodes (paper 1: {@code (v1, v2) ∈ E}) with bandwidth {@code w}
 * and length {@code W}. Transfer time of {@code b} MB is {@code b / w} (eq. 2) and propagation is
 * {@code W / l} plus any fixed {@code extraLatencyMs} (switching, queuing in routers).
 *
 * @param a                one end
 * @param b                the other end
 * @param bandwidthMbPerMs bandwidth {@code w} in MB/ms (1 MB/ms = 8 Gbit/s)
 * @param lengthKm         physical length {@code W} in km
 * @param extraLatencyMs   fixed extra one-way latency in ms (0 in paper 1)
 */
public record LinkSpec(String a, String b, double bandwidthMbPerMs, double lengthKm, double extraLatencyMs) {
    /**
     * Validates every field; a link from a node to itself is refused.
     *
     * @param a one end
     * @param b the other end
     * @param bandwidthMbPerMs bandwidth {@code w} in MB/ms (1 MB/ms = 8 Gbit/s)
     * @param lengthKm physical length {@code W} in km
     * @param extraLatencyMs fixed extra one-way latency in ms (0 in paper 1)
     */
    public LinkSpec {
        Check.id(a, "a");
        Check.id(b, "b");
        if (a.equals(b)) {
            throw new org.edgefm.api.InvalidFieldException("b", Check.quote(b) + " (expected: a node other than a)");
        }
        Check.positive(bandwidthMbPerMs, "bandwidthMbPerMs");
        Check.nonNegative(lengthKm, "lengthKm");
        Check.nonNegative(extraLatencyMs, "extraLatencyMs");
    }

    /**
     * True when this link joins {@code x} and {@code y} in either direction.
     *
     * @param x one node id
     * @param y the other node id
     * @return true when this link joins {@code x} and {@code y} in either direction
     */
    public boolean joins(String x, String y) {
        return (a.equals(x) && b.equals(y)) || (a.equals(y) && b.equals(x));
    }

    /**
     * The end opposite to {@code node}.
     *
     * @param node one end of this link
     * @return the other end
     */
    public String other(String node) {
        return a.equals(node) ? b : a;
    }
}
