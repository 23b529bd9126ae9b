package org.edgefm.api.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The resource dimensions k of a capacity or demand vector. Paper 1 uses K = 4 (CPU, RAM, GPU,
 * VRAM; Table I gives no units). STORAGE and POWER serve the model-deployment planners (paper 2:
 * storage and energy budgets). Units are whatever a scenario uses consistently; the shipped
 * scenarios use cores, GB, GPU compute units, GB, GB and W.
 */
public enum Resource {
    /** CPU cores (or shares of them). */
    CPU,
    /** Main memory. */
    RAM,
    /** GPU compute units. */
    GPU,
    /** GPU memory. */
    VRAM,
    /** Persistent storage (model weights kept at a node). */
    STORAGE,
    /** Power or energy budget. */
    POWER;

    /** {@return the JSON name: lower case ({@code "vram"})} */
    @JsonValue
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a JSON name, case-insensitively.
     *
     * @param name {@code cpu}, {@code ram}, {@code gpu}, {@code vram}, {@code storage} or {@code power}, any case
     * @return the dimension
     */
    @JsonCreator
    public static Resource fromJson(String name) {
        for (Resource r : values()) {
            if (r.name().equalsIgnoreCase(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown resource '" + name
                + "' (expected one of: cpu, ram, gpu, vram, storage, power)");
    }
}
