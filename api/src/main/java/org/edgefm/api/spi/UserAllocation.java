package org.edgefm.api.spi;

import org.edgefm.api.Check;

/**
 * Per-user resource allocation (seed paper 3, LyMDO: bandwidth, local CPU frequency, transmit power
 * and edge compute for each user's stream). Every share is a fraction of its maximum in [0, 1], or
 * null when the planner does not control it.
 *
 * @param user              user id
 * @param bandwidthShare    share of the uplink bandwidth
 * @param localComputeShare local CPU frequency as a share of the device's maximum
 * @param txPowerShare      transmit power as a share of the maximum
 * @param edgeComputeShare  share of the edge server's compute for this user's back part
 */
public record UserAllocation(String user, Double bandwidthShare, Double localComputeShare, Double txPowerShare,
        Double edgeComputeShare) {
    /**
     * Validates every field.
     *
     * @param user user id
     * @param bandwidthShare share of the uplink bandwidth
     * @param localComputeShare local CPU frequency as a share of the device's maximum
     * @param txPowerShare transmit power as a share of the maximum
     * @param edgeComputeShare share of the edge server's compute for this user's back part
     */
    public UserAllocation {
        Check.id(user, "user");
        share(bandwidthShare, "bandwidthShare");
        share(localComputeShare, "localComputeShare");
        share(txPowerShare, "txPowerShare");
        share(edgeComputeShare, "edgeComputeShare");
    }

    private static void share(Double v, String field) {
        if (v != null) {
            Check.inRange(v, 0.0, 1.0, field);
        }
    }
}
