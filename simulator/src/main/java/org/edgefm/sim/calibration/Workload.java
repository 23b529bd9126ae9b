package org.edgefm.sim.calibration;

import java.util.List;
import java.util.Map;
import org.edgefm.api.Check;

/**
 * The workload the trial drove: a {@link Calibration}'s {@code workload}.
 *
 * @param durationMs how long arrivals were driven
 * @param windowMs   the width of the report's windows
 * @param nodes      the nodes that took part (agents born)
 * @param origins    per scenario user, the node its tasks were sent to
 */
public record Workload(double durationMs, double windowMs, List<String> nodes, Map<String, String> origins) {
    /** Validates. */
    public Workload {
        Check.nonNegative(durationMs, "durationMs");
        Check.positive(windowMs, "windowMs");
        nodes = Check.listOf(nodes, "nodes");
        origins = Check.mapOf(origins, "origins");
    }
}
