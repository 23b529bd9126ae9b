package org.edgefm.api.spi;

import org.edgefm.api.Check;

/**
 * A link as measured in the field (agents probe their peers), next to what the scenario declares.
 *
 * @param a                one end
 * @param b                the other end
 * @param rttMs            measured round-trip time in ms
 * @param bandwidthMbPerMs measured throughput in MB/ms
 */
public record LinkEstimate(String a, String b, double rttMs, double bandwidthMbPerMs) {
    /**
     * Validates every field.
     *
     * @param a one end
     * @param b the other end
     * @param rttMs measured round-trip time in ms
     * @param bandwidthMbPerMs measured throughput in MB/ms
     */
    public LinkEstimate {
        Check.id(a, "a");
        Check.id(b, "b");
        Check.nonNegative(rttMs, "rttMs");
        Check.nonNegative(bandwidthMbPerMs, "bandwidthMbPerMs");
    }
}
