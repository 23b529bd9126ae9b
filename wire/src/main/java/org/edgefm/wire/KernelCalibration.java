package org.edgefm.wire;

import org.edgefm.api.Check;

/**
 * A kernel kind timed on the agent's own hardware.
 *
 * @param kernel    the kernel kind
 * @param gflops    measured throughput in GFLOP/s
 * @param mbPerMs   measured processing rate in MB of workload per ms (the catalog's unit)
 * @param preloadMs measured time to load its weights into memory, or null when not measured
 */
public record KernelCalibration(String kernel, double gflops, double mbPerMs, Double preloadMs) {
    /** Validates every field. */
    public KernelCalibration {
        Check.id(kernel, "kernel");
        Check.nonNegative(gflops, "gflops");
        Check.nonNegative(mbPerMs, "mbPerMs");
        if (preloadMs != null) {
            Check.nonNegative(preloadMs, "preloadMs");
        }
    }
}
