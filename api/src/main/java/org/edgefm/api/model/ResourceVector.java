package org.edgefm.api.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.edgefm.api.Check;

/**
 * An immutable vector over {@link Resource}: a node's capacity {@code R_v} or a service's demand
 * {@code r_m}. A dimension that is not given is 0; a demand of 0 always fits. In JSON it is an
 * object such as {@code {"cpu": 8, "ram": 16, "gpu": 32, "vram": 16}}.
 */
public final class ResourceVector {
    private static final Resource[] DIMS = Resource.values();

    /** The vector with every dimension 0. */
    public static final ResourceVector ZERO = new ResourceVector(new double[DIMS.length]);

    private final double[] values;

    private ResourceVector(double[] values) {
        this.values = values;
    }

    /**
     * Builds a vector from a map; absent dimensions are 0, negative or non-finite values are refused.
     *
     * @param values the value per dimension, or null for the zero vector
     * @return the vector
     */
    @JsonCreator
    public static ResourceVector of(Map<Resource, Double> values) {
        double[] v = new double[DIMS.length];
        if (values != null) {
            for (Map.Entry<Resource, Double> e : values.entrySet()) {
                Check.notNull(e.getKey(), "resource");
                Double x = Check.notNull(e.getValue(), e.getKey().jsonName());
                v[e.getKey().ordinal()] = Check.nonNegative(x, e.getKey().jsonName());
            }
        }
        return new ResourceVector(v);
    }

    /**
     * Paper 1's K = 4 vector: CPU, RAM, GPU, VRAM.
     *
     * @param cpu CPU cores
     * @param ram main memory (GB in the shipped scenarios)
     * @param gpu GPU compute units
     * @param vram GPU memory (GB in the shipped scenarios)
     * @return the vector, storage and power 0
     */
    public static ResourceVector of(double cpu, double ram, double gpu, double vram) {
        Map<Resource, Double> m = new EnumMap<>(Resource.class);
        m.put(Resource.CPU, cpu);
        m.put(Resource.RAM, ram);
        m.put(Resource.GPU, gpu);
        m.put(Resource.VRAM, vram);
        return of(m);
    }

    /**
     * The value of one dimension.
     *
     * @param r the dimension
     * @return its value, 0 when absent
     */
    public double get(Resource r) {
        return values[r.ordinal()];
    }

    /**
     * A copy with one dimension replaced.
     *
     * @param r the dimension
     * @param value its new value, {@code >= 0} and finite
     * @return the copy
     */
    public ResourceVector with(Resource r, double value) {
        double[] v = values.clone();
        v[r.ordinal()] = Check.nonNegative(value, r.jsonName());
        return new ResourceVector(v);
    }

    /**
     * Component-wise sum.
     *
     * @param o the other vector
     * @return {@code this + o}
     */
    public ResourceVector plus(ResourceVector o) {
        double[] v = new double[DIMS.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = values[i] + o.values[i];
        }
        return new ResourceVector(v);
    }

    /**
     * Component-wise difference, floored at 0 (residual capacity never goes negative).
     *
     * @param o the other vector
     * @return {@code max(0, this - o)} per dimension
     */
    public ResourceVector minusFloored(ResourceVector o) {
        double[] v = new double[DIMS.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.max(0, values[i] - o.values[i]);
        }
        return new ResourceVector(v);
    }

    /**
     * This vector times a non-negative scalar (a demand times an instance count).
     *
     * @param factor the scalar, {@code >= 0}
     * @return {@code factor · this}
     */
    public ResourceVector times(double factor) {
        Check.nonNegative(factor, "factor");
        double[] v = new double[DIMS.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = values[i] * factor;
        }
        return new ResourceVector(v);
    }

    /**
     * True when this demand fits into {@code capacity} in every dimension (with a 1e-9 tolerance).
     *
     * @param capacity the capacity (or residual) to fit into
     * @return true when this demand fits into {@code capacity} in every dimension (with a 1e-9 tolerance)
     */
    public boolean fitsIn(ResourceVector capacity) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] > capacity.values[i] + 1e-9) {
                return false;
            }
        }
        return true;
    }

    /**
     * How many copies of this demand fit into {@code capacity}: the minimum over demanded dimensions
     * of {@code floor(capacity / demand)}; {@link Integer#MAX_VALUE} for an all-zero demand.
     *
     * @param capacity the capacity (or residual) to fit into
     * @return the number of copies, {@code >= 0}
     */
    public int copiesFittingIn(ResourceVector capacity) {
        long best = Integer.MAX_VALUE;
        for (int i = 0; i < values.length; i++) {
            if (values[i] > 0) {
                best = Math.min(best, (long) Math.floor(capacity.values[i] / values[i] + 1e-9));
            }
        }
        return (int) Math.max(0, best);
    }

    /** {@return the JSON form: only the non-zero dimensions} */
    @JsonValue
    public Map<Resource, Double> toMap() {
        Map<Resource, Double> m = new EnumMap<>(Resource.class);
        for (Resource r : DIMS) {
            if (values[r.ordinal()] != 0) {
                m.put(r, values[r.ordinal()]);
            }
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResourceVector rv && Arrays.equals(values, rv.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return toMap().toString();
    }
}
