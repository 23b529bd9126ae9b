package org.edgefm.api.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.edgefm.api.Check;
import org.edgefm.api.InvalidFieldException;

/**
 * The processing rate {@code f_m} of a microservice in MB/ms (paper 1, eq. 3: processing time is
 * {@code a_m / f_m}). Core services have a deterministic rate, light services a random one
 * (Gamma in Table I, or empirical samples measured on agents).
 *
 * <p>JSON: {@code {"type": "gamma", "shape": 1.5, "scale": 10}}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = RateModel.Deterministic.class, name = "deterministic"),
        @JsonSubTypes.Type(value = RateModel.Gamma.class, name = "gamma"),
        @JsonSubTypes.Type(value = RateModel.Empirical.class, name = "empirical")
})
public sealed interface RateModel permits RateModel.Deterministic, RateModel.Gamma, RateModel.Empirical {

    /** {@return the mean rate {@code E[f]} in MB/ms} */
    double mean();

    /** {@return the variance of the rate} */
    double variance();

    /**
     * Draws one rate; never returns a value below a tiny positive floor, so {@code a/f} stays finite.
     *
     * @param random the random source (seeded by the caller, so runs repeat)
     * @return one rate drawn, in MB/ms; never below a tiny positive floor, so {@code a/f} stays finite
     */
    double sample(RandomGenerator random);

    /**
     * A constant rate.
     *
     * @param rate the rate in MB/ms
     */
    record Deterministic(double rate) implements RateModel {
        /**
         * Validates the rate.
         *
         * @param rate the rate in MB/ms, {@code > 0}
         */
        public Deterministic {
            Check.positive(rate, "rate");
        }

        @Override
        public double mean() {
            return rate;
        }

        @Override
        public double variance() {
            return 0;
        }

        @Override
        public double sample(RandomGenerator random) {
            return rate;
        }
    }

    /**
     * A Gamma-distributed rate with shape {@code k} and scale {@code σ} (mean {@code kσ}).
     *
     * @param shape the shape k
     * @param scale the scale σ in MB/ms
     */
    record Gamma(double shape, double scale) implements RateModel {
        /**
         * Validates both parameters.
         *
         * @param shape the shape k
         * @param scale the scale σ in MB/ms
         */
        public Gamma {
            Check.positive(shape, "shape");
            Check.positive(scale, "scale");
        }

        @Override
        public double mean() {
            return shape * scale;
        }

        @Override
        public double variance() {
            return shape * scale * scale;
        }

        @Override
        public double sample(RandomGenerator random) {
            return Math.max(1e-9, sampleGamma(shape, random) * scale);
        }

        /** Marsaglia and Tsang's method for a unit-scale Gamma variate (boosted for shape < 1). */
        static double sampleGamma(double shape, RandomGenerator random) {
            if (shape < 1) {
                double u = random.nextDouble();
                return sampleGamma(shape + 1, random) * Math.pow(u, 1.0 / shape);
            }
            double d = shape - 1.0 / 3.0;
            double c = 1.0 / Math.sqrt(9 * d);
            while (true) {
                double x = random.nextGaussian();
                double v = 1 + c * x;
                if (v <= 0) {
                    continue;
                }
                v = v * v * v;
                double u = random.nextDouble();
                if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                    return d * v;
                }
            }
        }
    }

    /**
     * An empirical distribution: rate samples measured on a device, drawn uniformly.
     *
     * @param samples measured rates in MB/ms, at least one, all positive
     */
    record Empirical(double[] samples) implements RateModel {
        /**
         * Validates and copies the samples.
         *
         * @param samples the measured rates in MB/ms, at least one, each {@code > 0}
         */
        public Empirical {
            Check.notNull(samples, "samples");
            if (samples.length == 0) {
                throw new InvalidFieldException("samples", "empty (expected: at least one sample)");
            }
            samples = samples.clone();
            for (int i = 0; i < samples.length; i++) {
                Check.positive(samples[i], "samples[" + i + "]");
            }
        }

        /** {@return a copy of the samples, in MB/ms} */
        @Override
        public double[] samples() {
            return samples.clone();
        }

        @Override
        public double mean() {
            double s = 0;
            for (double x : samples) {
                s += x;
            }
            return s / samples.length;
        }

        @Override
        public double variance() {
            double m = mean();
            double s = 0;
            for (double x : samples) {
                s += (x - m) * (x - m);
            }
            return s / samples.length;
        }

        @Override
        public double sample(RandomGenerator random) {
            return samples[random.nextInt(samples.length)];
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Empirical e && Arrays.equals(samples, e.samples);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(samples);
        }

        @Override
        public String toString() {
            return "Empirical[n=" + samples.length + ", mean=" + mean() + "]";
        }
    }
}
