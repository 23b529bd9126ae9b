package org.edgefm.wire;

import java.util.List;
import org.edgefm.api.Check;

/**
 * Operating-system metrics of a node (read with OSHI on agents). Readings a machine does not offer
 * (temperatures in most VMs) are null.
 *
 * @param cpuLoad         total CPU load in [0, 1] since the previous sample
 * @param cpuLoadPerCore  per logical core, each in [0, 1]
 * @param memUsedBytes    used main memory
 * @param memTotalBytes   total main memory
 * @param swapUsedBytes   used swap
 * @param swapTotalBytes  total swap
 * @param diskUsedBytes   used space on the agent's data volume
 * @param diskTotalBytes  size of the agent's data volume
 * @param netRxBytesPerS  received bytes per second, all interfaces
 * @param netTxBytesPerS  sent bytes per second, all interfaces
 * @param cpuTemperatureC CPU temperature, or null when not readable
 * @param uptimeS         agent process uptime in s
 */
public record HostMetrics(double cpuLoad, List<Double> cpuLoadPerCore, long memUsedBytes, long memTotalBytes,
        long swapUsedBytes, long swapTotalBytes, long diskUsedBytes, long diskTotalBytes, double netRxBytesPerS,
        double netTxBytesPerS, Double cpuTemperatureC, long uptimeS) {
    /** Validates every field. */
    public HostMetrics {
        Check.inRange(cpuLoad, 0, 1, "cpuLoad");
        cpuLoadPerCore = Check.listOf(cpuLoadPerCore, "cpuLoadPerCore");
        for (int i = 0; i < cpuLoadPerCore.size(); i++) {
            Check.inRange(cpuLoadPerCore.get(i), 0, 1, "cpuLoadPerCore[" + i + "]");
        }
        Check.nonNegative(memUsedBytes, "memUsedBytes");
        Check.nonNegative(memTotalBytes, "memTotalBytes");
        Check.nonNegative(swapUsedBytes, "swapUsedBytes");
        Check.nonNegative(swapTotalBytes, "swapTotalBytes");
        Check.nonNegative(diskUsedBytes, "diskUsedBytes");
        Check.nonNegative(diskTotalBytes, "diskTotalBytes");
        Check.nonNegative(netRxBytesPerS, "netRxBytesPerS");
        Check.nonNegative(netTxBytesPerS, "netTxBytesPerS");
        Check.nonNegative(uptimeS, "uptimeS");
    }
}
