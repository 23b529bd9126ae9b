package org.edgefm.api.model;

import org.edgefm.api.Check;

/**
 * A user {@code u}: attached to an edge device, with an uplink bandwidth {@code b_u} and a channel.
 *
 * @param id                     unique user id
 * @param node                   id of the device the user is associated with
 * @param uplinkBandwidthMbPerMs {@code b_u} in MB/ms per bit/s/Hz of spectral efficiency
 * @param channel                the channel model of {@code γ_u}
 */
public record UserSpec(String id, String node, double uplinkBandwidthMbPerMs, ChannelModel channel) {
    /**
     * Validates every field.
     *
     * @param id unique user id
     * @param node id of the device the user is associated with
     * @param uplinkBandwidthMbPerMs {@code b_u} in MB/ms per bit/s/Hz of spectral efficiency
     * @param channel the channel model of {@code γ_u}
     */
    public UserSpec {
        Check.id(id, "id");
        Check.id(node, "node");
        Check.positive(uplinkBandwidthMbPerMs, "uplinkBandwidthMbPerMs");
        Check.notNull(channel, "channel");
    }
}
