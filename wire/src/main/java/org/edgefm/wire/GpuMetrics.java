package org.edgefm.wire;

import org.edgefm.api.Check;

/**
 * One GPU's metrics ({@code nvidia-smi} on servers, {@code tegrastats} on Jetson boards).
 *
 * @param index         GPU index
 * @param name          product name
 * @param utilization   utilisation in [0, 1]
 * @param memUsedBytes  used GPU memory (shared memory on Jetson)
 * @param memTotalBytes total GPU memory
 * @param temperatureC  temperature, or null
 * @param powerW        power draw, or null
 */
public record GpuMetrics(int index, String name, double utilization, long memUsedBytes, long memTotalBytes,
        Double temperatureC, Double powerW) {
    /** Validates every field. */
    public GpuMetrics {
        Check.nonNegative(index, "index");
        Check.notNull(name, "name");
        Check.inRange(utilization, 0, 1, "utilization");
        Check.nonNegative(memUsedBytes, "memUsedBytes");
        Check.nonNegative(memTotalBytes, "memTotalBytes");
    }
}
