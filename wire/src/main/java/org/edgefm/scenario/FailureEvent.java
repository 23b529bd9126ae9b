package org.edgefm.scenario;

import org.edgefm.api.Check;

/**
 * A scheduled node failure: the node goes offline at {@code atMs} and comes back after
 * {@code durationMs} (never, when null).
 *
 * @param node       node id
 * @param atMs       time of failure in ms from the start
 * @param durationMs outage length in ms, or null for a permanent failure
 */
public record FailureEvent(String node, double atMs, Double durationMs) {
    /** Validates every field. */
    public FailureEvent {
        Check.id(node, "node");
        Check.nonNegative(atMs, "atMs");
        if (durationMs != null) {
            Check.positive(durationMs, "durationMs");
        }
    }
}
