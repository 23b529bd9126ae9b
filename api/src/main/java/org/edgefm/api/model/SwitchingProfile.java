package org.edgefm.api.model;

import org.edgefm.api.Check;

/**
 * What it takes to bring a model to a node and make it ready (paper 2: model switching delay).
 * A request for a model that is not resident pays the transfer (cloud to edge) and the preload
 * (disk to GPU memory); later requests pay inference only.
 *
 * @param transferMb  size moved from the cloud to the edge, in MB
 * @param preloadMs   time to load weights from storage into (GPU) memory, in ms
 * @param preloadEnergyJ energy spent on one preload, in J (0 when unknown)
 */
public record SwitchingProfile(double transferMb, double preloadMs, double preloadEnergyJ) {
    /**
     * Validates every field.
     *
     * @param transferMb size moved from the cloud to the edge, in MB
     * @param preloadMs time to load weights from storage into (GPU) memory, in ms
     * @param preloadEnergyJ energy spent on one preload, in J (0 when unknown)
     */
    public SwitchingProfile {
        Check.nonNegative(transferMb, "transferMb");
        Check.nonNegative(preloadMs, "preloadMs");
        Check.nonNegative(preloadEnergyJ, "preloadEnergyJ");
    }
}
