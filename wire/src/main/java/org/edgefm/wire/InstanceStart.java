package org.edgefm.wire;

import org.edgefm.api.Check;

/**
 * One service instance an agent started while applying a directive, with its measured preload.
 *
 * @param service   service id
 * @param preloadMs measured time to load its kernel's weights into memory (read and parse the
 *                  {@code .npy} file, or generate seeded weights), ms; null for a service without a kernel
 * @param weights   where the weights came from: {@code npy FILE} (the kernel spec's file, relative to the
 *                  agent's model directory) or {@code generated}; null for a service without a kernel
 */
public record InstanceStart(String service, Double preloadMs, String weights) {
    /** Weights source of seeded weights. */
    public static final String GENERATED = "generated";

    /** Validates every field. */
    public InstanceStart {
        Check.id(service, "service");
        if (preloadMs != null) {
            Check.nonNegative(preloadMs, "preloadMs");
        }
    }

    /** The weights source of a file: {@code npy FILE}. */
    public static String npy(String file) {
        return "npy " + file;
    }
}
