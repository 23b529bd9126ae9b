package org.edgefm.api.model;

import java.util.Map;
import org.edgefm.api.Check;

/**
 * How an agent runs a service: a kernel kind (for example {@code transformer-encoder},
 * {@code patchify}, {@code fusion}, {@code head}) and its dimensions, so the kernel's FLOPs match
 * the catalog's workload. Optionally a weights file ({@code .npy}) that the agent loads at preload.
 *
 * @param kind    the kernel kind; agents list the kinds they support in their birth message
 * @param dims    named integer dimensions (for example {@code layers}, {@code hidden}, {@code heads},
 *                {@code tokens})
 * @param weights path of a weights file relative to the agent's model directory, or null for
 *                deterministic seeded weights
 */
public record KernelSpec(String kind, Map<String, Integer> dims, String weights) {
    /**
     * Validates the kind and copies the dimensions.
     *
     * @param kind the kernel kind; agents list the kinds they support in their birth message
     * @param dims named integer dimensions (for example {@code layers}, {@code hidden}, {@code heads}, {@code tokens})
     * @param weights path of a weights file relative to the agent's model directory, or null for deterministic seeded
     *     weights
     */
    public KernelSpec {
        Check.id(kind, "kind");
        dims = Check.mapOf(dims, "dims");
        for (Map.Entry<String, Integer> e : dims.entrySet()) {
            Check.positive(e.getValue(), "dims." + e.getKey());
        }
        if (weights != null) {
            relativeWeightsPath(weights);
        }
    }

    /**
     * Requires a weights path that stays inside the model directory: relative, made of
     * {@code [A-Za-z0-9._-]} names separated by {@code /}, no {@code .} or {@code ..} segment, at
     * most 255 characters, optionally followed by {@code #PART} (a part of a real model's manifest).
     * A directive naming anything else is refused before any file is touched.
     */
    static void relativeWeightsPath(String weights) {
        // a real model's part is named as MANIFEST#PART: the file part obeys the rules below
        int hash = weights.indexOf('#');
        String w = hash < 0 ? weights : weights.substring(0, hash);
        if (hash >= 0 && !weights.substring(hash + 1).matches("[A-Za-z0-9._-]{1,64}")) {
            throw new org.edgefm.api.InvalidFieldException("weights", Check.quote(weights)
                    + " (expected: FILE#PART with a part name of 1-64 [A-Za-z0-9._-])");
        }
        if (w.isEmpty() || w.length() > 255 || w.startsWith("/") || w.contains("\\")) {
            throw new org.edgefm.api.InvalidFieldException("weights", Check.quote(w)
                    + " (expected: a path relative to the model folder, at most 255 characters)");
        }
        for (String seg : w.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..") || !seg.matches("[A-Za-z0-9._-]+")) {
                throw new org.edgefm.api.InvalidFieldException("weights", Check.quote(w)
                        + " (expected: a path inside the model folder: names of [A-Za-z0-9._-], no '.' or '..' segment)");
            }
        }
    }
}
