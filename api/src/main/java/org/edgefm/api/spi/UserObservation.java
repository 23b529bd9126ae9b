package org.edgefm.api.spi;

import org.edgefm.api.Check;

/**
 * A user's channel as last measured (LyMDO-style planners allocate uplink resources on it), and
 * optionally the energy its stream spent.
 *
 * @param user    user id
 * @param snr     the SNR {@code γ_u} (linear) measured or drawn for this slot
 * @param energyJ the energy in J the user's stream spent on its device (local compute and radio)
 *                during the slot that just ended, as measured; null when not measured
 */
public record UserObservation(String user, double snr, Double energyJ) {
    /**
     * Validates every field.
     *
     * @param user user id
     * @param snr the SNR {@code γ_u} (linear) measured or drawn for this slot
     * @param energyJ the energy in J the user's stream spent on its device (local compute and radio) during the slot
     *     that just ended, as measured; null when not measured
     */
    public UserObservation {
        Check.id(user, "user");
        Check.nonNegative(snr, "snr");
        if (energyJ != null) {
            Check.nonNegative(energyJ, "energyJ");
        }
    }

    /**
     * A channel measurement without an energy measurement.
     *
     * @param user user id
     * @param snr the SNR (linear)
     */
    public UserObservation(String user, double snr) {
        this(user, snr, null);
    }
}
