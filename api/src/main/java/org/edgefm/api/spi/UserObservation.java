package org.edgefm.api.spi;

import org.edgefm.api.Check;

/**
 * A user's channel as last measured (LyMDO-style planners allocate uplink resources on it).
 *
 * @param user user id
 * @param snr  the SNR {@code γ_u} (linear) measured or drawn for this slot
 */
public record UserObservation(String user, double snr) {
    /** Validates every field. */
    public UserObservation {
        Check.id(user, "user");
        Check.nonNegative(snr, "snr");
    }
}
