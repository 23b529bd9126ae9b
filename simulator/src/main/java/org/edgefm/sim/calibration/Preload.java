package org.edgefm.sim.calibration;

import org.edgefm.api.Check;
import org.edgefm.api.InvalidFieldException;
import org.edgefm.control.stats.Quantiles;

/**
 * Measured preloads of one (node, service): an entry of a {@link Calibration}'s {@code preloads}.
 *
 * @param node      the node
 * @param service   the service
 * @param preloadMs each instance start's preload
 */
public record Preload(String node, String service, double[] preloadMs) {
    /** Validates. */
    public Preload {
        Check.nodeId(node, "node");
        Check.id(service, "service");
        preloadMs = preloadMs == null ? new double[0] : preloadMs;
        for (int i = 0; i < preloadMs.length; i++) {
            if (!(preloadMs[i] >= 0) || Double.isInfinite(preloadMs[i])) {
                throw new InvalidFieldException("preloadMs[" + i + "]", preloadMs[i] + " (expected: >= 0)");
            }
        }
    }

    /** The median preload. */
    public double medianMs() {
        return preloadMs.length == 0 ? 0 : Quantiles.of(preloadMs.clone(), 0.5);
    }
}
